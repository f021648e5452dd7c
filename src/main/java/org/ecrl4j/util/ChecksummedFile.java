package org.ecrl4j.util;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import java.util.zip.Checksum;

/**
 * The one envelope around every binary file ecrl4j writes for itself (checkpoints, head and encoder
 * parameters, built-in backbone files): the body, whatever its format, is framed as
 *
 * <pre>
 *   header  8 bytes  "ECRL4JC1"
 *   body    n bytes  the format's own bytes, unchanged
 *   trailer 8 bytes  n (big-endian long)
 *           4 bytes  CRC32C of header + body
 *           8 bytes  "ECRL4JCE"
 * </pre>
 *
 * <p>{@link #open} verifies the whole file before the caller reads a byte of it, so a damaged
 * checkpoint is refused instead of resuming with altered weights, and a truncated one says so. The
 * messages are one line naming the file and ending with the caller's remedy.
 */
public final class ChecksummedFile {
    private static final byte[] HEADER = "ECRL4JC1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "ECRL4JCE".getBytes(StandardCharsets.US_ASCII);
    private static final int TRAILER = 8 + 4 + END.length;

    /**
     * What to tell the user when a file cannot be used.
     *
     * @param damaged after "is damaged: checksum mismatch; " and "is truncated; "
     * @param legacy after "was written by an older version of ecrl4j without a checksum; "
     */
    public record Remedy(String damaged, String legacy) {}

    /** For checkpoints, which a rerun rewrites. */
    public static final Remedy CHECKPOINT = new Remedy("delete it and rerun from the last good epoch",
            "delete it and rerun");
    /** For the parameter files of a finished run. */
    public static final Remedy RUN_FILE = new Remedy("retrain the run or restore the file from a backup",
            "retrain the run");

    /** A file without the envelope: written before checksums, or not by ecrl4j at all. */
    public static final class MissingChecksumException extends IOException {
        MissingChecksumException(String message) {
            super(message);
        }
    }

    private ChecksummedFile() {}

    /** Writes {@code target} atomically: the header, the bytes {@code body} writes, the trailer. */
    public static void write(Path target, AtomicFiles.Writer body) throws IOException {
        AtomicFiles.write(target, raw -> {
            OutputStream buffered = new BufferedOutputStream(raw, 1 << 16);
            CheckedOutputStream checked = new CheckedOutputStream(buffered, new CRC32C());
            checked.write(HEADER);
            long[] count = {0};
            OutputStream counting = new FilterOutputStream(checked) {
                @Override
                public void write(int b) throws IOException {
                    checked.write(b);
                    count[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    checked.write(b, off, len);
                    count[0] += len;
                }

                @Override
                public void close() {
                    // the envelope's writer closes the file, not the body's
                }
            };
            body.write(counting);
            counting.flush();
            DataOutputStream trailer = new DataOutputStream(buffered);
            trailer.writeLong(count[0]);
            trailer.writeInt((int) checked.getChecksum().getValue());
            trailer.write(END);
            trailer.flush();
        });
    }

    /**
     * Verifies {@code file} and opens its body (the bytes between header and trailer; the stream ends
     * where the body ends).
     *
     * @throws MissingChecksumException when the file has no envelope (the message names the file and
     *     the remedy for an older ecrl4j file; callers that may meet foreign files can say more)
     * @throws IOException "FILE is damaged: checksum mismatch; ..." or "FILE is truncated; ..."
     */
    public static InputStream open(Path file, Remedy remedy) throws IOException {
        long size = Files.size(file);
        long bodyLength = verify(file, size, remedy);
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.skipNBytes(HEADER.length);
        return new FilterInputStream(in) {
            private long left = bodyLength;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = super.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return len == 0 ? 0 : -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long s = super.skip(Math.min(n, left));
                left -= s;
                return s;
            }

            @Override
            public int available() throws IOException {
                return (int) Math.min(super.available(), left);
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    /**
     * Verifies the CRC-32 that the zip format stores for each member of a zip file (such as an
     * {@code .npz}), which {@link java.util.zip.ZipFile} does not check by itself; files we write in a
     * standard format keep that format's own checksum rather than this envelope.
     *
     * @throws IOException "FILE is damaged: checksum mismatch in member M; ..." naming the remedy
     */
    public static void verifyZip(Path file, Remedy remedy) throws IOException {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                java.util.zip.ZipEntry e = entries.nextElement();
                if (e.isDirectory() || e.getCrc() == -1) {
                    continue;
                }
                java.util.zip.CheckedInputStream in = new java.util.zip.CheckedInputStream(zip.getInputStream(e),
                        new java.util.zip.CRC32());
                try (in) {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (java.util.zip.ZipException | java.io.EOFException x) {
                    throw new IOException(file + " is damaged: member " + e.getName() + " cannot be read; "
                            + remedy.damaged(), x);
                }
                if (in.getChecksum().getValue() != e.getCrc()) {
                    throw new IOException(file + " is damaged: checksum mismatch in member " + e.getName() + "; "
                            + remedy.damaged());
                }
            }
        } catch (java.util.zip.ZipException e) {
            return; // not readable as a zip at all: the format's reader says what is wrong
        }
    }

    /** Checks header, trailer and checksum; returns the body's length. */
    private static long verify(Path file, long size, Remedy remedy) throws IOException {
        String damaged = file + " is damaged: checksum mismatch; " + remedy.damaged();
        String truncated = file + " is truncated; " + remedy.damaged();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] head = new byte[(int) Math.min(HEADER.length, size)];
            readFully(ch, 0, head);
            boolean headerOk = Arrays.equals(HEADER, head);
            if (size < HEADER.length + TRAILER) {
                if (Arrays.equals(head, Arrays.copyOf(HEADER, head.length)) && size > 0) {
                    throw new IOException(truncated);
                }
                if (size == 0) {
                    throw new IOException(file + " is empty; " + remedy.damaged());
                }
                throw new MissingChecksumException(file + " was written by an older version of ecrl4j without a"
                        + " checksum; " + remedy.legacy());
            }
            byte[] tail = new byte[TRAILER];
            readFully(ch, size - TRAILER, tail);
            ByteBuffer t = ByteBuffer.wrap(tail);
            long declared = t.getLong();
            int crc = t.getInt();
            byte[] end = Arrays.copyOfRange(tail, 12, TRAILER);
            // A whole file whose end marker lost a few bits is damaged; a cut file ends in arbitrary
            // bytes, which differ from the marker in about 32 of its 64 bits.
            boolean endLike = differingBits(END, end) <= 8;
            long bodyLength = size - HEADER.length - TRAILER;
            if (!headerOk && !endLike) {
                throw new MissingChecksumException(file + " was written by an older version of ecrl4j without a"
                        + " checksum; " + remedy.legacy());
            }
            if (!endLike) {
                throw new IOException(truncated);
            }
            if (declared != bodyLength || !Arrays.equals(END, end)) {
                throw new IOException(damaged);
            }
            Checksum sum = new CRC32C();
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long pos = 0;
            long stop = HEADER.length + bodyLength;
            while (pos < stop) {
                buf.clear().limit((int) Math.min(buf.capacity(), stop - pos));
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new IOException(truncated);
                }
                sum.update(buf.array(), 0, n);
                pos += n;
            }
            if ((int) sum.getValue() != crc || !headerOk) {
                throw new IOException(damaged);
            }
            return bodyLength;
        }
    }

    private static int differingBits(byte[] a, byte[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += Integer.bitCount((a[i] ^ b[i]) & 0xff);
        }
        return n;
    }

    private static void readFully(FileChannel ch, long at, byte[] into) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(into);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new java.io.EOFException();
            }
        }
    }
}
