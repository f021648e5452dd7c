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


    /**
     * Sees each member's header before its data is read (and before anything is allocated for
     * it); throws, naming the file and the array, to refuse the archive.
     */
    @FunctionalInterface
    public interface MemberCheck {
        /**
         * @param key the array's name (the member without ".npy")
         * @param shape the declared shape
         * @param dtype the type the values are read as
         * @param dataBytes the declared data size in the file: shape x stored item size
         */
        void check(String key, long[] shape, NpyArray.DType dtype, long dataBytes) throws IOException;
    }

    /** The default largest array a reader accepts: a quarter of the maximum heap. */
    public static long defaultMaxArrayBytes() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /**
     * Reads every array of an {@code .npz} file, keyed by name (without ".npy"), in file order;
     * arrays over {@link #defaultMaxArrayBytes()} are refused.
     */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        return read(file, defaultMaxArrayBytes(), (key, shape, dtype, bytes) -> {});
    }

    /**
     * Reads every array of an {@code .npz} file, refusing from its header, before allocating
     * anything for it, a member that declares more than {@code maxArrayBytes} of data, more or
     * less than its zip entry holds, or that {@code check} refuses. Data is read in bounded
     * chunks, so a member that inflates to less than it declares is refused as truncated having
     * cost only what it held, and one that inflates to more is refused as damaged.
     */
    public static Map<String, NpyArray> read(Path file, long maxArrayBytes, MemberCheck check) throws IOException {
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
            throw new IOException(file + ": not a readable .npz (zip) archive ("
                    + AnnotationException.quote(String.valueOf(e.getMessage()), false)
                    + "); the file is truncated or not an .npz: re-export it with np.savez", e);
        }
        try (zip) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String member = AnnotationException.quote(entry.getName(), false);
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
                    // the zip directory's size is a claim, not bytes present: sizeIsTrue = false
                    out.put(key, Npy.read(in, where, entry.getSize(), false, (header, dataBytes) -> {
                        if (dataBytes > maxArrayBytes) {
                            throw new IOException(file + ": array '" + key + "' declares shape "
                                    + tuple(header.shape) + " " + header.type.numpyName + ", " + dataBytes
                                    + " bytes (" + human(dataBytes) + "), over the limit of " + maxArrayBytes
                                    + " bytes (--max-array-bytes, default a quarter of the heap); if the file is"
                                    + " genuine raise --max-array-bytes and the heap (java -Xmx), else re-export it");
                        }
                        check.check(key, header.shape.clone(), header.type.target, dataBytes);
                    }));
                    if (in.read() >= 0) {
                        throw new IOException(where + ": damaged: the member holds more data than its .npy header"
                                + " declares; re-export the file");
                    }
                } catch (ZipException | java.io.EOFException e) {
                    throw new IOException(where + ": damaged archive member ("
                            + AnnotationException.quote(String.valueOf(e.getMessage()), false) + "); re-export the file", e);
                }
            }
        }
        return out;
    }

    /** A shape as Python writes it: (2, 8, 16), (5,) or (). */
    public static String tuple(long[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            b.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** A byte count for people: 512 B, 3.0 KiB, 7.6 GiB. */
    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
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
