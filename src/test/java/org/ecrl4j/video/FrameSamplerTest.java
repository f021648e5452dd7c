package org.ecrl4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Sampler tables: (frame count, T, mode) to indices, computed by hand from the formulas. */
class FrameSamplerTest {
    static int[] ints(String s) {
        return Arrays.stream(s.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
    }

    @ParameterizedTest(name = "{0} n={1} T={2}")
    @CsvSource({
        // mode, n, T, expected (evaluation)
        "segment, 30, 8, 1 5 9 13 16 20 24 28",
        "segment, 300, 8, 18 56 93 131 168 206 243 281",
        "segment, 8, 8, 0 1 2 3 4 5 6 7",
        "segment, 5, 8, 0 0 1 2 2 3 4 4",
        "segment, 1, 8, 0 0 0 0 0 0 0 0",
        "segment, 3, 8, 0 0 0 1 1 2 2 2",
        "segment, 100, 1, 50",
        "uniform, 30, 8, 0 4 8 12 17 21 25 29",
        "uniform, 5, 8, 0 1 1 2 2 3 3 4",
        "uniform, 1, 4, 0 0 0 0",
        "uniform, 11, 1, 5",
        "fixed, 30, 8, 0 4 8 12 16 20 24 29",
        "fixed, 300, 8, 0 41 82 124 165 206 247 299",
        "fixed, 10, 8, 0 1 2 4 5 6 7 9",
        "fixed, 1, 8, 0 0 0 0 0 0 0 0",
    })
    void evaluationTable(String mode, int n, int t, String expected) {
        FrameSampler s = FrameSampler.of(SamplingMode.parse(mode), t);
        assertArrayEquals(ints(expected), s.sample(n, false, 123));
    }

    @Test
    void trainingDrawsOneFrameInsideEachSegment() {
        FrameSampler s = FrameSampler.segment(8);
        for (long seed = 0; seed < 50; seed++) {
            int[] idx = s.sample(300, true, seed);
            for (int i = 0; i < 8; i++) {
                int lo = (int) Math.floor(i * 300.0 / 8);
                int hi = (int) Math.ceil((i + 1) * 300.0 / 8);
                assertTrue(idx[i] >= lo && idx[i] < hi, "seed " + seed + " segment " + i + ": " + idx[i]);
            }
        }
    }

    @Test
    void trainingIsSeededAndVaries() {
        FrameSampler s = FrameSampler.segment(8);
        assertArrayEquals(s.sample(300, true, 5), s.sample(300, true, 5));
        assertFalse(Arrays.equals(s.sample(300, true, 5), s.sample(300, true, 6)));
        assertFalse(Arrays.equals(s.sample(300, true, 5), s.sample(300, false, 5)));
        // fewer frames than T: still T indices, all valid, ascending
        int[] few = s.sample(3, true, 9);
        assertEquals(8, few.length);
        for (int i = 0; i < few.length; i++) {
            assertTrue(few[i] >= 0 && few[i] < 3);
            assertTrue(i == 0 || few[i] >= few[i - 1]);
        }
    }

    @Test
    void uniformAndFixedIgnoreTraining() {
        assertArrayEquals(FrameSampler.uniform(8).sample(77, false, 1), FrameSampler.uniform(8).sample(77, true, 2));
        assertArrayEquals(FrameSampler.reference().sample(77, false, 1), FrameSampler.reference().sample(77, true, 2));
    }

    @Test
    void badConfigurationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.segment(0));
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.fixed(30, 0, 30));
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.fixed(30));
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.segment(8).sample(0, false, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SamplingMode.parse("random"));
        assertTrue(e.getMessage().contains("segment, uniform or fixed"));
    }
}
