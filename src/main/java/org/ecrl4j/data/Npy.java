package org.ecrl4j.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.ecrl4j.util.AtomicFiles;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0).
 *
 * <p>Reading accepts float16/32/64 and int32/64 as they are, and widens int8, uint8, int16,
 * uint16 and bool to INT32 and uint32/uint64 to INT64 (uint64 values above
 * {@code Long.MAX_VALUE} are refused); either byte order; C or Fortran order (Fortran data is
 * reordered to C order on read); 0-d arrays. Object arrays are refused without being unpickled,
 * as are strings, complex numbers and record arrays. A file shorter than its header declares is
 * refused with the byte counts.
 *
 * <p>Writing produces what {@code np.save} writes: little-endian, C order, format 1.0 (2.0 when
 * the header does not fit 1.0), the dict keys in sorted order, the spare room NumPy leaves after
 * the dict, padded with spaces to a multiple of 64 bytes and ended with {@code \n}.
 *
 * <p>Why not DJL's own {@code .npy} decoder: it needs a native engine to hold the result, reads
 * neither Fortran order nor big-endian files, and cannot be asked for the shape without
 * creating an NDArray; the format is small and fully specified, so it is implemented here.
 */
public final class Npy {
    private Npy() {}

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ARRAY_ALIGN = 64;
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final int CHUNK = 1 << 20;
    /** Headers longer than this are refused as corrupt rather than read into memory. */
    private static final int MAX_HEADER_BYTES = 1 << 20;

    /** Reads a {@code .npy} file. Every error names the file and says what to do. */
    public static NpyArray read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a folder, not a .npy file; give the path of a file written by np.save");
        }
        long fileSize;
        try {
            fileSize = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such .npy file");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, file.toString(), fileSize);
        }
    }

    /**
     * Reads one {@code .npy} array from a stream (which is left open, positioned after the
     * array's data); {@code nameForErrors} is put at the start of every error message.
     */
    public static NpyArray read(InputStream in, String nameForErrors) throws IOException {
        return read(in, nameForErrors, -1);
    }

    /**
     * Reads one array; {@code totalBytes} is the length of the whole file when known
     * (-1 otherwise), so a truncated file is refused before its data is allocated.
     */
    static NpyArray read(InputStream in, String name, long totalBytes) throws IOException {
        return read(in, name, totalBytes, totalBytes >= 0, (header, dataBytes) -> {});
    }

    /** Sees an array's header before any of its data is read; throws to refuse the array. */
    @FunctionalInterface
    interface HeaderCheck {
        void check(NpyHeader header, long dataBytes) throws IOException;
    }

    /**
     * Reads one array.
     *
     * @param totalBytes the length of the whole array file when known (-1 otherwise): a header
     *     declaring more data than that is refused as truncated, less as damaged, before reading
     * @param sizeIsTrue whether {@code totalBytes} is known to be present (a file's real length),
     *     so the data array can be allocated at once; otherwise (a zip directory's claim, a
     *     stream) it grows as data actually arrives, so a file cannot make the reader allocate
     *     what it does not hold
     * @param check runs on the parsed header before anything is allocated
     */
    static NpyArray read(InputStream in, String name, long totalBytes, boolean sizeIsTrue, HeaderCheck check)
            throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (magic.length >= 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
            throw new IOException(name + ": this is a .npz (zip) archive, not a .npy file; read it as .npz");
        }
        if (magic.length < MAGIC.length || !java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException(name + ": not a NumPy .npy file (" + (magic.length == 0 ? "the file is empty"
                    : "it does not start with \\x93NUMPY") + "); write it with np.save");
        }
        int major = in.read();
        int minor = in.read();
        if (minor < 0) {
            throw new IOException(name + ": truncated inside the .npy preamble; re-export the file");
        }
        int lengthBytes;
        Charset charset;
        if (major == 1 && minor == 0) {
            lengthBytes = 2;
            charset = StandardCharsets.ISO_8859_1;
        } else if (major == 2 && minor == 0) {
            lengthBytes = 4;
            charset = StandardCharsets.ISO_8859_1;
        } else if (major == 3 && minor == 0) {
            lengthBytes = 4;
            charset = StandardCharsets.UTF_8;
        } else {
            throw new IOException(name + ": .npy format version " + major + "." + minor
                    + " is not supported (1.0, 2.0 and 3.0 are); re-save it with np.save");
        }
        byte[] lenBytes = in.readNBytes(lengthBytes);
        if (lenBytes.length < lengthBytes) {
            throw new IOException(name + ": truncated inside the .npy preamble; re-export the file");
        }
        long headerLen = 0;
        for (int i = lengthBytes - 1; i >= 0; i--) {
            headerLen = (headerLen << 8) | (lenBytes[i] & 0xff);
        }
        if (headerLen > MAX_HEADER_BYTES) {
            throw new IOException(name + ": .npy header claims " + headerLen + " bytes, which is not plausible;"
                    + " the file is corrupt, re-export it");
        }
        byte[] headerBytes = in.readNBytes((int) headerLen);
        if (headerBytes.length < headerLen) {
            throw new IOException(name + ": truncated: the header declares " + headerLen + " bytes but only "
                    + headerBytes.length + " follow; re-export the file");
        }
        NpyHeader header = NpyHeader.parse(new String(headerBytes, charset), name);

        int size;
        try {
            size = NpyArray.checkedSize(header.shape);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IOException(name + ": " + e.getMessage() + "; split the array into smaller files", e);
        }
        long dataBytes = (long) size * header.type.itemSize;
        long preamble = MAGIC.length + 2 + lengthBytes + headerLen;
        if (totalBytes >= 0 && totalBytes - preamble < dataBytes) {
            throw truncated(name, header, size, dataBytes, Math.max(0, totalBytes - preamble));
        }
        if (totalBytes >= 0 && totalBytes - preamble > dataBytes) {
            throw new IOException(name + ": damaged: " + (totalBytes - preamble) + " data bytes but the header"
                    + " declares " + size + " " + header.type.numpyName + " values (" + dataBytes + " bytes);"
                    + " re-export the file");
        }
        check.check(header, dataBytes);
        Object data = readData(in, name, header, size, dataBytes, sizeIsTrue);
        if (header.fortranOrder && header.shape.length > 1) {
            data = fortranToC(data, header.type.target, header.shape);
        }
        return NpyArray.wrap(header.type.target, header.shape, data);
    }

    private static IOException truncated(String name, NpyHeader h, int size, long dataBytes, long present) {
        return new IOException(name + ": truncated: header declares " + size + " " + h.type.numpyName
                + " values (" + dataBytes + " bytes) but only " + present + " bytes follow; re-export the file");
    }

    /**
     * Reads and decodes {@code size} values. With {@code sizeIsTrue} the result is allocated at
     * once; otherwise it starts at one chunk and doubles as data arrives (at most 1.5x the final
     * size is ever held), so a declared size the input does not back costs nothing.
     */
    private static Object readData(InputStream in, String name, NpyHeader h, int size, long dataBytes,
            boolean sizeIsTrue) throws IOException {
        NpyHeader.StoredType t = h.type;
        int capacity = sizeIsTrue ? size : Math.min(size, CHUNK / t.itemSize);
        Object out = allocate(t.target, capacity);
        byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(dataBytes, 1))];
        int done = 0; // elements decoded so far
        long readTotal = 0;
        while (done < size) {
            int want = (int) Math.min(chunk.length, (long) (size - done) * t.itemSize);
            int got = in.readNBytes(chunk, 0, want);
            readTotal += got;
            if (got < want) {
                throw truncated(name, h, size, dataBytes, readTotal);
            }
            int n = want / t.itemSize;
            if (done + n > capacity) {
                capacity = (int) Math.min(size, Math.max(2L * capacity, done + n));
                out = grow(out, t.target, capacity, done);
            }
            ByteBuffer bb = ByteBuffer.wrap(chunk, 0, want).order(h.order);
            decode(bb, t, out, done, n, name);
            done += n;
        }
        return out;
    }

    private static Object allocate(NpyArray.DType type, int n) {
        return switch (type) {
            case FLOAT16 -> new short[n];
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
        };
    }

    /** A new array of {@code n} elements starting with the first {@code used} of {@code a}. */
    private static Object grow(Object a, NpyArray.DType type, int n, int used) {
        Object b = allocate(type, n);
        System.arraycopy(a, 0, b, 0, used);
        return b;
    }

    private static void decode(ByteBuffer bb, NpyHeader.StoredType t, Object out, int off, int n, String name)
            throws IOException {
        switch (t) {
            case F2 -> bb.asShortBuffer().get((short[]) out, off, n);
            case F4 -> bb.asFloatBuffer().get((float[]) out, off, n);
            case F8 -> bb.asDoubleBuffer().get((double[]) out, off, n);
            case I4 -> bb.asIntBuffer().get((int[]) out, off, n);
            case I8 -> bb.asLongBuffer().get((long[]) out, off, n);
            case I2 -> { int[] o = (int[]) out; for (int i = 0; i < n; i++) o[off + i] = bb.getShort(); }
            case U2 -> { int[] o = (int[]) out; for (int i = 0; i < n; i++) o[off + i] = bb.getShort() & 0xffff; }
            case I1 -> { int[] o = (int[]) out; for (int i = 0; i < n; i++) o[off + i] = bb.get(); }
            case U1 -> { int[] o = (int[]) out; for (int i = 0; i < n; i++) o[off + i] = bb.get() & 0xff; }
            case B1 -> { int[] o = (int[]) out; for (int i = 0; i < n; i++) o[off + i] = bb.get() != 0 ? 1 : 0; }
            case U4 -> { long[] o = (long[]) out; for (int i = 0; i < n; i++) o[off + i] = bb.getInt() & 0xffffffffL; }
            case U8 -> {
                long[] o = (long[]) out;
                for (int i = 0; i < n; i++) {
                    long v = bb.getLong();
                    if (v < 0) {
                        throw new IOException(name + ": uint64 value " + Long.toUnsignedString(v) + " at index "
                                + (off + i) + " does not fit in int64; save the array as int64 or float64");
                    }
                    o[off + i] = v;
                }
            }
        }
    }

    /** Reorders column-major data of {@code shape} into row-major order. */
    private static Object fortranToC(Object src, NpyArray.DType type, long[] shape) {
        int rank = shape.length;
        int size = NpyArray.checkedSize(shape);
        long[] cStride = new long[rank];
        long s = 1;
        for (int k = rank - 1; k >= 0; k--) {
            cStride[k] = s;
            s *= shape[k];
        }
        // walk the Fortran-order elements (first axis fastest) and note each one's C position
        int[] cIndex = new int[size];
        long[] idx = new long[rank];
        long c = 0;
        for (int f = 0; f < size; f++) {
            cIndex[f] = (int) c;
            for (int k = 0; k < rank; k++) {
                idx[k]++;
                c += cStride[k];
                if (idx[k] < shape[k]) {
                    break;
                }
                c -= idx[k] * cStride[k];
                idx[k] = 0;
            }
        }
        switch (type) {
            case FLOAT16 -> { short[] a = (short[]) src, b = new short[size]; for (int f = 0; f < size; f++) b[cIndex[f]] = a[f]; return b; }
            case FLOAT32 -> { float[] a = (float[]) src, b = new float[size]; for (int f = 0; f < size; f++) b[cIndex[f]] = a[f]; return b; }
            case FLOAT64 -> { double[] a = (double[]) src, b = new double[size]; for (int f = 0; f < size; f++) b[cIndex[f]] = a[f]; return b; }
            case INT32 -> { int[] a = (int[]) src, b = new int[size]; for (int f = 0; f < size; f++) b[cIndex[f]] = a[f]; return b; }
            case INT64 -> { long[] a = (long[]) src, b = new long[size]; for (int f = 0; f < size; f++) b[cIndex[f]] = a[f]; return b; }
            default -> throw new AssertionError(type);
        }
    }

    /** Writes {@code array} to {@code file} atomically, as {@code np.save} would. */
    public static void write(Path file, NpyArray array) throws IOException {
        AtomicFiles.write(file, out -> {
            BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
            write(buffered, array);
            buffered.flush();
        });
    }

    /** Writes one {@code .npy} array (header and data) to a stream, which is left open. */
    public static void write(OutputStream out, NpyArray array) throws IOException {
        out.write(header(array));
        NpyArray.DType t = array.dtype();
        Object data = array.rawData();
        int size = array.size();
        int perChunk = CHUNK / t.itemSize();
        byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max((long) size * t.itemSize(), 1))];
        for (int off = 0; off < size; off += perChunk) {
            int n = Math.min(perChunk, size - off);
            ByteBuffer bb = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
            switch (t) {
                case FLOAT16 -> bb.asShortBuffer().put((short[]) data, off, n);
                case FLOAT32 -> bb.asFloatBuffer().put((float[]) data, off, n);
                case FLOAT64 -> bb.asDoubleBuffer().put((double[]) data, off, n);
                case INT32 -> bb.asIntBuffer().put((int[]) data, off, n);
                case INT64 -> bb.asLongBuffer().put((long[]) data, off, n);
            }
            out.write(chunk, 0, n * t.itemSize());
        }
    }

    /**
     * The complete preamble NumPy writes for this array: magic, version, header length, the
     * header dict, spare room and padding, a multiple of 64 bytes ending in {@code \n}.
     */
    static byte[] header(NpyArray array) {
        long[] shape = array.shape();
        StringBuilder dict = new StringBuilder("{'descr': '").append(array.dtype().numpyDescr())
                .append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            dict.append(i > 0 ? ", " : "").append(shape[i]);
        }
        dict.append(shape.length == 1 ? ",), }" : "), }");
        if (shape.length > 0) {
            // NumPy leaves room to grow the first axis in place
            dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length()));
        }
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int hlen = text.length + 1; // with the final newline
        int version = 1;
        int prefix = MAGIC.length + 2 + 2;
        int padLen = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
        if (hlen + padLen > 0xffff) {
            version = 2;
            prefix = MAGIC.length + 2 + 4;
            padLen = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
        }
        int total = prefix + hlen + padLen;
        ByteBuffer bb = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) {
            bb.putShort((short) (hlen + padLen));
        } else {
            bb.putInt(hlen + padLen);
        }
        bb.put(text);
        for (int i = 0; i < padLen; i++) {
            bb.put((byte) ' ');
        }
        bb.put((byte) '\n');
        return bb.array();
    }
}
