package org.ecrl4j.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.ecrl4j.util.AtomicFiles;

/**
 * Reads and writes NumPy {@code .npz} archives: a zip file of {@code .npy} members, stored or
 * deflated, as {@code np.savez} and {@code np.savez_compressed} write them.
 *
 * <p>Keys are the member names without the {@code .npy} ending, in file order. A member that is
 * not a {@code .npy} array, or a damaged archive, is refused with an error naming the file and
 * the member.
 */
public final class Npz {
    private Npz() {}

    /** The fixed member timestamp (the zip epoch, as NumPy uses), so equal input gives equal bytes. */
    private static final LocalDateTime ZIP_EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);

    /** The archive comment of every .npz ecrl4j writes: how {@code --overwrite} knows a file is ours. */
    public static final String COMMENT = "written by ecrl4j";

    /** Whether {@code file} is an .npz that ecrl4j wrote (its archive comment is {@link #COMMENT}). */
    public static boolean writtenByEcrl4j(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return COMMENT.equals(zip.getComment());
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads every array of an {@code .npz} file, keyed by name (without ".npy"), in file order. */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such .npz file");
        }
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a folder, not a .npz file; give the path of a file written by np.savez");
        }
        Map<String, NpyArray> out = new LinkedHashMap<>();
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new IOException(file + ": not a readable .npz (zip) archive (" + e.getMessage()
                    + "); the file is truncated or not an .npz: re-export it with np.savez", e);
        }
        try (zip) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String member = entry.getName();
                String where = file + " [" + member + "]";
                if (!member.endsWith(".npy")) {
                    throw new IOException(where + ": member is not a .npy array; an .npz holds only .npy members"
                            + " (write it with np.savez)");
                }
                String key = member.substring(0, member.length() - ".npy".length());
                if (out.containsKey(key)) {
                    throw new IOException(where + ": the archive holds two members named '" + member
                            + "'; re-export the file");
                }
                try (InputStream in = new BufferedInputStream(zip.getInputStream(entry), 1 << 16)) {
                    out.put(key, Npy.read(in, where, entry.getSize()));
                } catch (ZipException | java.io.EOFException e) {
                    throw new IOException(where + ": damaged archive member (" + e.getMessage()
                            + "); re-export the file", e);
                }
            }
        }
        return out;
    }

    /**
     * Writes {@code arrays} atomically as an {@code .npz} file that {@code np.load} reads, one
     * member {@code KEY.npy} per entry in map order; deflated when {@code compressed}
     * ({@code np.savez_compressed}), stored otherwise ({@code np.savez}).
     */
    public static void write(Path file, Map<String, NpyArray> arrays, boolean compressed) throws IOException {
        for (String key : arrays.keySet()) {
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("Cannot write " + file + ": an array has an empty name");
            }
        }
        AtomicFiles.write(file, raw -> {
            ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(raw, 1 << 16));
            zip.setComment(COMMENT);
            for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setTimeLocal(ZIP_EPOCH);
                if (compressed) {
                    entry.setMethod(ZipEntry.DEFLATED);
                } else {
                    // a stored member needs its size and CRC up front: a first pass computes them
                    CountingCrc crc = new CountingCrc();
                    Npy.write(crc, e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(crc.count);
                    entry.setCompressedSize(crc.count);
                    entry.setCrc(crc.crc.getValue());
                }
                zip.putNextEntry(entry);
                Npy.write(zip, e.getValue()); // Npy.write leaves the stream open
                zip.closeEntry();
            }
            zip.finish();
            zip.flush();
        });
    }

    /** An output stream that only counts bytes and their CRC-32. */
    private static final class CountingCrc extends OutputStream {
        final CRC32 crc = new CRC32();
        long count;

        @Override
        public void write(int b) {
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            count += len;
        }
    }
}
