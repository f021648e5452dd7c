package org.ecrl4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Builds hostile {@code .npz} files by hand for tests: {@code .npy} headers that declare any
 * shape, and zip archives (always zip64) whose directory declares any uncompressed size, so a
 * file of a few kilobytes can claim gigabytes without the test ever holding them.
 */
final class HostileNpz {
    private HostileNpz() {}

    /** A member: its name, the bytes stored, and the uncompressed size the directory declares. */
    record Member(String name, byte[] content, boolean deflate, long declaredSize) {
        /** A member whose directory tells the truth about its size. */
        static Member honest(String name, byte[] content, boolean deflate) {
            return new Member(name, content, deflate, content.length);
        }
    }

    /** The .npy preamble NumPy would write for {@code descr} and {@code shape} (data not included). */
    static byte[] npyHeader(String descr, long... shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            dict.append(i > 0 ? ", " : "").append(shape[i]);
        }
        dict.append(shape.length == 1 ? ",), }" : "), }");
        int prefix = 10;
        int len = dict.length() + 1;
        int pad = (64 - (prefix + len) % 64) % 64;
        String text = dict + " ".repeat(pad) + "\n";
        ByteBuffer bb = ByteBuffer.allocate(prefix + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(Npy.MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        bb.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return bb.array();
    }

    /** {@code header} followed by {@code dataBytes} zero bytes. */
    static byte[] withZeros(byte[] header, int dataBytes) {
        byte[] out = new byte[header.length + dataBytes];
        System.arraycopy(header, 0, out, 0, header.length);
        return out;
    }

    /** Writes a zip64 archive of {@code members}, declaring each member's {@code declaredSize}. */
    static Path write(Path file, Member... members) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream cen = new ByteArrayOutputStream();
        for (Member m : members) {
            byte[] stored = m.deflate() ? deflate(m.content()) : m.content();
            CRC32 crc = new CRC32();
            crc.update(m.content());
            byte[] name = m.name().getBytes(StandardCharsets.UTF_8);
            int offset = out.size();
            ByteBuffer loc = le(30 + name.length + 20);
            loc.putInt(0x04034b50).putShort((short) 45).putShort((short) 0).putShort((short) (m.deflate() ? 8 : 0))
                    .putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue()).putInt(-1).putInt(-1)
                    .putShort((short) name.length).putShort((short) 20).put(name)
                    .putShort((short) 1).putShort((short) 16).putLong(m.declaredSize()).putLong(stored.length);
            out.write(loc.array());
            out.write(stored);
            ByteBuffer c = le(46 + name.length + 20);
            c.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0)
                    .putShort((short) (m.deflate() ? 8 : 0)).putShort((short) 0).putShort((short) 0x21)
                    .putInt((int) crc.getValue()).putInt(-1).putInt(-1).putShort((short) name.length)
                    .putShort((short) 20).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                    .putInt(offset).put(name)
                    .putShort((short) 1).putShort((short) 16).putLong(m.declaredSize()).putLong(stored.length);
            cen.write(c.array());
        }
        int cenOffset = out.size();
        out.write(cen.toByteArray());
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) members.length)
                .putShort((short) members.length).putInt(cen.size()).putInt(cenOffset).putShort((short) 0);
        out.write(end.array());
        return Files.write(file, out.toByteArray());
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_SPEED, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }
}
