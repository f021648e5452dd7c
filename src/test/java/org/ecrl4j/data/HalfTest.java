package org.ecrl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Known answers for the binary16 conversions. */
class HalfTest {

    @Test
    void everyHalfSurvivesWideningAndNarrowing() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short h = (short) bits;
            float f = Half.toFloat(h);
            boolean nan = (bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0;
            if (nan) {
                assertTrue(Float.isNaN(f), Integer.toHexString(bits));
                assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(f))));
            } else {
                assertEquals(h, Half.fromFloat(f), Integer.toHexString(bits) + " -> " + f);
            }
        }
    }

    @Test
    void knownValues() {
        assertEquals(65504f, Half.toFloat((short) 0x7bff));
        assertEquals(0x1p-24f, Half.toFloat((short) 0x0001)); // smallest subnormal
        assertEquals(0x1p-14f, Half.toFloat((short) 0x0400)); // smallest normal
        assertEquals(-2f, Half.toFloat((short) 0xc000));
        assertEquals(Float.NEGATIVE_INFINITY, Half.toFloat((short) 0xfc00));
        assertEquals((short) 0x3c00, Half.fromFloat(1f));
        assertEquals((short) 0x8000, Half.fromFloat(-0f));
    }

    @Test
    void roundingIsToNearestTiesToEven() {
        assertEquals(65504f, Half.toFloat(Half.fromFloat(65519f)));
        assertEquals(Float.POSITIVE_INFINITY, Half.toFloat(Half.fromFloat(65520f))); // the tie rounds up to infinity
        assertEquals(Float.POSITIVE_INFINITY, Half.toFloat(Half.fromFloat(1e6f)));
        assertEquals(1f, Half.toFloat(Half.fromFloat(1f + 0x1p-11f))); // tie, 1 is even
        assertEquals(1f + 0x1p-9f, Half.toFloat(Half.fromFloat(1f + 3 * 0x1p-11f))); // tie, rounds to even
        assertEquals(1f + 0x1p-10f, Half.toFloat(Half.fromFloat(1f + 0x1p-11f + 0x1p-20f))); // above the tie
        assertEquals(0f, Half.toFloat(Half.fromFloat(0x1p-25f))); // tie between 0 and the smallest subnormal
        assertEquals(0x1p-24f, Half.toFloat(Half.fromFloat(1.5f * 0x1p-25f)));
        assertEquals(0f, Half.toFloat(Half.fromFloat(1e-10f)));
        assertEquals(2 * 0x1p-24f, Half.toFloat(Half.fromFloat(3 * 0x1p-25f))); // subnormal tie to even
        assertEquals(0x1p-14f, Half.toFloat(Half.fromFloat(0x1p-14f - 0x1p-26f))); // carries into the normals
        assertEquals(0.099975586f, Half.toFloat(Half.fromFloat(0.1f)));
    }
}
