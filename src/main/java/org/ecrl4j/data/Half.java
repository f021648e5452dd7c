package org.ecrl4j.data;

/**
 * Conversions between IEEE 754 binary16 ("half", NumPy {@code float16}) bit patterns and
 * {@code float}. Java 17 has no built-in binary16 support ({@code Float.float16ToFloat} arrived in
 * Java 20), so the two conversions are written out here: exact widening, and narrowing with
 * round-to-nearest, ties-to-even, overflow to infinity and gradual underflow, as NumPy does.
 */
public final class Half {
    private Half() {}

    /** The largest finite binary16 value, 65504. */
    public static final float MAX_VALUE = 65504f;

    /** Widens a binary16 bit pattern to the float of exactly the same value (NaN stays NaN). */
    public static float toFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            // zero or subnormal: mant * 2^-24, exact in float
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 127 - 15) << 23) | (mant << 13));
    }

    /** Rounds a float to the nearest binary16 (ties to even) and returns its bit pattern. */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            // infinity keeps a zero mantissa; NaN keeps its top payload bits and stays quiet
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 31) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // below half the smallest subnormal: rounds to zero
            }
            int full = mant | 0x800000; // with the implicit leading 1
            int shift = 14 - e; // 14..24 bits dropped to reach units of 2^-24
            int halfMant = full >>> shift;
            int rem = full & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rem > halfway || (rem == halfway && (halfMant & 1) != 0)) {
                halfMant++; // may carry into the smallest normal, which is the right answer
            }
            return (short) (sign | halfMant);
        }
        int halfBits = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (halfBits & 1) != 0)) {
            halfBits++; // a carry out of the mantissa bumps the exponent, up to infinity
        }
        return (short) (sign | halfBits);
    }
}
