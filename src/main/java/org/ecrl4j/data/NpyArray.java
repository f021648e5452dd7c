package org.ecrl4j.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An immutable n-dimensional numeric array as stored in a NumPy {@code .npy} file: a dtype, a
 * shape and the values in C (row-major) order.
 *
 * <p>The values are held in the primitive array that matches the dtype ({@code float[]} for
 * {@link DType#FLOAT32}, {@code double[]} for {@link DType#FLOAT64}, {@code int[]}, {@code long[]},
 * and the raw IEEE 754 binary16 bits in a {@code short[]} for {@link DType#FLOAT16}). The
 * {@code toXxxArray} methods return converting copies; the factories copy their input, so an
 * instance never changes after it is made.
 *
 * <p>A 0-d array (NumPy scalar) has shape {@code []} and size 1.
 */
public final class NpyArray {

    /** The element types ECRL4J keeps; narrower NumPy integer and bool dtypes read as INT32. */
    public enum DType {
        /** IEEE 754 binary16 ({@code <f2}). */
        FLOAT16(2, "f2"),
        /** IEEE 754 binary32 ({@code <f4}). */
        FLOAT32(4, "f4"),
        /** IEEE 754 binary64 ({@code <f8}). */
        FLOAT64(8, "f8"),
        /** Signed 32-bit integer ({@code <i4}). */
        INT32(4, "i4"),
        /** Signed 64-bit integer ({@code <i8}). */
        INT64(8, "i8");

        private final int itemSize;
        private final String numpyCode;

        DType(int itemSize, String numpyCode) {
            this.itemSize = itemSize;
            this.numpyCode = numpyCode;
        }

        /** Bytes per element. */
        public int itemSize() {
            return itemSize;
        }

        /** The little-endian NumPy dtype string, e.g. {@code <f4}. */
        public String numpyDescr() {
            return "<" + numpyCode;
        }

        /** Whether this is a floating-point type. */
        public boolean isFloatingPoint() {
            return this == FLOAT16 || this == FLOAT32 || this == FLOAT64;
        }
    }

    private final DType dtype;
    private final long[] shape;
    private final int size;
    /** One of float[], double[], short[] (binary16 bits), int[], long[]; never exposed. */
    private final Object data;

    private NpyArray(DType dtype, long[] shape, Object data, int length) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.size = checkedSize(this.shape);
        if (length != size) {
            throw new IllegalArgumentException(
                    "Data length " + length + " does not match shape " + Arrays.toString(shape)
                            + " (size " + size + ")");
        }
        this.data = data;
    }

    /** Wraps an array the caller hands over and never touches again (no copy). */
    static NpyArray wrap(DType dtype, long[] shape, Object data) {
        int length = switch (dtype) {
            case FLOAT16 -> ((short[]) data).length;
            case FLOAT32 -> ((float[]) data).length;
            case FLOAT64 -> ((double[]) data).length;
            case INT32 -> ((int[]) data).length;
            case INT64 -> ((long[]) data).length;
        };
        return new NpyArray(dtype, shape, data, length);
    }

    /**
     * The number of elements of {@code shape} (1 for a 0-d shape).
     *
     * @throws IllegalArgumentException for a negative dimension or more than
     *     {@code Integer.MAX_VALUE - 8} elements (the largest Java array)
     */
    public static int checkedSize(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("Shape " + Arrays.toString(shape)
                        + " has more elements than a Java array can hold (" + (Integer.MAX_VALUE - 8) + ")");
            }
        }
        return (int) n;
    }

    /** A FLOAT32 array holding a copy of {@code data}. */
    public static NpyArray ofFloats(float[] data, long... shape) {
        return new NpyArray(DType.FLOAT32, shape, data.clone(), data.length);
    }

    /** A FLOAT64 array holding a copy of {@code data}. */
    public static NpyArray ofDoubles(double[] data, long... shape) {
        return new NpyArray(DType.FLOAT64, shape, data.clone(), data.length);
    }

    /** An INT64 array holding a copy of {@code data}. */
    public static NpyArray ofLongs(long[] data, long... shape) {
        return new NpyArray(DType.INT64, shape, data.clone(), data.length);
    }

    /** An INT32 array holding a copy of {@code data}. */
    public static NpyArray ofInts(int[] data, long... shape) {
        return new NpyArray(DType.INT32, shape, data.clone(), data.length);
    }

    /** A FLOAT16 array from raw IEEE 754 binary16 bit patterns (copied). */
    public static NpyArray ofHalfBits(short[] bits, long... shape) {
        return new NpyArray(DType.FLOAT16, shape, bits.clone(), bits.length);
    }

    /** A FLOAT16 array from float values, each rounded to the nearest binary16 (ties to even). */
    public static NpyArray ofFloatsAsHalf(float[] data, long... shape) {
        short[] bits = new short[data.length];
        for (int i = 0; i < data.length; i++) {
            bits[i] = Half.fromFloat(data[i]);
        }
        return new NpyArray(DType.FLOAT16, shape, bits, bits.length);
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape ({@code []} for a 0-d array). */
    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions (0 for a scalar). */
    public int rank() {
        return shape.length;
    }

    /** The number of elements: the product of the shape, 1 for a 0-d array. */
    public int size() {
        return size;
    }

    /** The values as floats (a converting copy; FLOAT64 and INT64 may lose precision). */
    public float[] toFloatArray() {
        float[] out = new float[size];
        switch (dtype) {
            case FLOAT32 -> System.arraycopy(data, 0, out, 0, size);
            case FLOAT16 -> { short[] d = (short[]) data; for (int i = 0; i < size; i++) out[i] = Half.toFloat(d[i]); }
            case FLOAT64 -> { double[] d = (double[]) data; for (int i = 0; i < size; i++) out[i] = (float) d[i]; }
            case INT32 -> { int[] d = (int[]) data; for (int i = 0; i < size; i++) out[i] = d[i]; }
            case INT64 -> { long[] d = (long[]) data; for (int i = 0; i < size; i++) out[i] = d[i]; }
        }
        return out;
    }

    /** The values as doubles (a converting copy; exact except INT64 beyond 2^53). */
    public double[] toDoubleArray() {
        double[] out = new double[size];
        switch (dtype) {
            case FLOAT64 -> System.arraycopy(data, 0, out, 0, size);
            case FLOAT16 -> { short[] d = (short[]) data; for (int i = 0; i < size; i++) out[i] = Half.toFloat(d[i]); }
            case FLOAT32 -> { float[] d = (float[]) data; for (int i = 0; i < size; i++) out[i] = d[i]; }
            case INT32 -> { int[] d = (int[]) data; for (int i = 0; i < size; i++) out[i] = d[i]; }
            case INT64 -> { long[] d = (long[]) data; for (int i = 0; i < size; i++) out[i] = d[i]; }
        }
        return out;
    }

    /**
     * The values as longs (a converting copy).
     *
     * @throws ArithmeticException when a floating-point value is not a whole number in the
     *     range of {@code long} (NaN, infinity, 0.5, ...): labels stored as floats convert, real
     *     features do not silently truncate
     */
    public long[] toLongArray() {
        long[] out = new long[size];
        switch (dtype) {
            case INT64 -> System.arraycopy(data, 0, out, 0, size);
            case INT32 -> { int[] d = (int[]) data; for (int i = 0; i < size; i++) out[i] = d[i]; }
            default -> { double[] d = toDoubleArray(); for (int i = 0; i < size; i++) out[i] = wholeLong(d[i], i); }
        }
        return out;
    }

    /**
     * The values as ints (a converting copy).
     *
     * @throws ArithmeticException when a value is not a whole number in the range of {@code int}
     */
    public int[] toIntArray() {
        int[] out = new int[size];
        switch (dtype) {
            case INT32 -> System.arraycopy(data, 0, out, 0, size);
            case INT64 -> {
                long[] d = (long[]) data;
                for (int i = 0; i < size; i++) {
                    if (d[i] != (int) d[i]) {
                        throw new ArithmeticException("Value " + d[i] + " at index " + i + " does not fit in an int");
                    }
                    out[i] = (int) d[i];
                }
            }
            default -> {
                double[] d = toDoubleArray();
                for (int i = 0; i < size; i++) {
                    long v = wholeLong(d[i], i);
                    if (v != (int) v) {
                        throw new ArithmeticException("Value " + d[i] + " at index " + i + " does not fit in an int");
                    }
                    out[i] = (int) v;
                }
            }
        }
        return out;
    }

    /** The raw binary16 bits of a FLOAT16 array (a copy). */
    public short[] toHalfBits() {
        if (dtype != DType.FLOAT16) {
            throw new IllegalStateException("toHalfBits needs a FLOAT16 array, this one is " + dtype);
        }
        return ((short[]) data).clone();
    }

    /** One element as a double, by C-order flat index. */
    public double getDouble(int flatIndex) {
        java.util.Objects.checkIndex(flatIndex, size);
        return switch (dtype) {
            case FLOAT16 -> Half.toFloat(((short[]) data)[flatIndex]);
            case FLOAT32 -> ((float[]) data)[flatIndex];
            case FLOAT64 -> ((double[]) data)[flatIndex];
            case INT32 -> ((int[]) data)[flatIndex];
            case INT64 -> ((long[]) data)[flatIndex];
        };
    }

    /** One element as a double, by index along each axis (as many indices as the rank). */
    public double getDouble(long... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("Index " + Arrays.toString(index) + " has " + index.length
                    + " axes but the array has shape " + Arrays.toString(shape));
        }
        long flat = 0;
        for (int k = 0; k < shape.length; k++) {
            if (index[k] < 0 || index[k] >= shape[k]) {
                throw new IndexOutOfBoundsException("Index " + Arrays.toString(index) + " out of bounds for shape "
                        + Arrays.toString(shape));
            }
            flat = flat * shape[k] + index[k];
        }
        return getDouble((int) flat);
    }

    /** The same values (shared, both being immutable) under another shape of the same size. */
    public NpyArray reshape(long... newShape) {
        if (checkedSize(newShape) != size) {
            throw new IllegalArgumentException("Cannot reshape " + Arrays.toString(shape) + " (size " + size
                    + ") to " + Arrays.toString(newShape) + " (size " + checkedSize(newShape) + ")");
        }
        return new NpyArray(dtype, newShape, data, size);
    }

    /** The backing array; package-private for the writer, which never modifies it. */
    Object rawData() {
        return data;
    }

    private static long wholeLong(double v, int i) {
        if (v != Math.rint(v) || Double.isInfinite(v) || Math.abs(v) >= 0x1p63) {
            throw new ArithmeticException("Value " + v + " at index " + i + " is not a whole number in the range of long");
        }
        return (long) v;
    }

    /**
     * Copies this array into an NDArray of {@code manager} with the same shape and the matching
     * DJL data type (FLOAT16/32/64, INT32, INT64).
     */
    public NDArray toNDArray(NDManager manager) {
        Shape djlShape = new Shape(shape);
        ByteBuffer buf = ByteBuffer.allocateDirect(size * dtype.itemSize()).order(ByteOrder.nativeOrder());
        switch (dtype) {
            case FLOAT16 -> buf.asShortBuffer().put((short[]) data);
            case FLOAT32 -> buf.asFloatBuffer().put((float[]) data);
            case FLOAT64 -> buf.asDoubleBuffer().put((double[]) data);
            case INT32 -> buf.asIntBuffer().put((int[]) data);
            case INT64 -> buf.asLongBuffer().put((long[]) data);
        }
        DataType type = switch (dtype) {
            case FLOAT16 -> DataType.FLOAT16;
            case FLOAT32 -> DataType.FLOAT32;
            case FLOAT64 -> DataType.FLOAT64;
            case INT32 -> DataType.INT32;
            case INT64 -> DataType.INT64;
        };
        return manager.create(buf, djlShape, type);
    }

    /**
     * Copies an NDArray into an NpyArray. FLOAT16/32/64, INT32 and INT64 keep their type;
     * BFLOAT16 becomes FLOAT32; UINT8, INT8, INT16, UINT16 and BOOLEAN become INT32; UINT32 and
     * UINT64 become INT64 (UINT64 values above {@code Long.MAX_VALUE} are refused by the engine's
     * conversion). Other types (strings, complex) are refused.
     */
    public static NpyArray fromNDArray(NDArray array) {
        long[] shp = array.getShape().getShape();
        DataType type = array.getDataType();
        switch (type) {
            case FLOAT32:
                return wrap(DType.FLOAT32, shp, array.toFloatArray());
            case FLOAT64:
                return wrap(DType.FLOAT64, shp, array.toDoubleArray());
            case INT32:
                return wrap(DType.INT32, shp, array.toIntArray());
            case INT64:
                return wrap(DType.INT64, shp, array.toLongArray());
            case FLOAT16: {
                ByteBuffer bb = array.toByteBuffer();
                short[] bits = new short[checkedSize(shp)];
                bb.order(ByteOrder.nativeOrder()).asShortBuffer().get(bits);
                return wrap(DType.FLOAT16, shp, bits);
            }
            case BFLOAT16:
                try (NDArray f = array.toType(DataType.FLOAT32, true)) {
                    return wrap(DType.FLOAT32, shp, f.toFloatArray());
                }
            case UINT8:
            case INT8:
            case INT16:
            case UINT16:
            case BOOLEAN:
                try (NDArray i = array.toType(DataType.INT32, true)) {
                    return wrap(DType.INT32, shp, i.toIntArray());
                }
            case UINT32:
            case UINT64:
                try (NDArray l = array.toType(DataType.INT64, true)) {
                    return wrap(DType.INT64, shp, l.toLongArray());
                }
            default:
                throw new IllegalArgumentException("NDArray of type " + type + " has no NumPy numeric counterpart here;"
                        + " convert it to float32, float64, int32 or int64 first");
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NpyArray other) || other.dtype != dtype || !Arrays.equals(other.shape, shape)) {
            return false;
        }
        return switch (dtype) {
            case FLOAT16 -> Arrays.equals((short[]) data, (short[]) other.data);
            case FLOAT32 -> Arrays.equals((float[]) data, (float[]) other.data);
            case FLOAT64 -> Arrays.equals((double[]) data, (double[]) other.data);
            case INT32 -> Arrays.equals((int[]) data, (int[]) other.data);
            case INT64 -> Arrays.equals((long[]) data, (long[]) other.data);
        };
    }

    @Override
    public int hashCode() {
        int h = 31 * dtype.hashCode() + Arrays.hashCode(shape);
        return 31 * h + switch (dtype) {
            case FLOAT16 -> Arrays.hashCode((short[]) data);
            case FLOAT32 -> Arrays.hashCode((float[]) data);
            case FLOAT64 -> Arrays.hashCode((double[]) data);
            case INT32 -> Arrays.hashCode((int[]) data);
            case INT64 -> Arrays.hashCode((long[]) data);
        };
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
