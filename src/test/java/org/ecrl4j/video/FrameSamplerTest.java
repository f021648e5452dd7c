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

    @ParameterizedTest(name = "n={0} T={1} clip {2} of {3}")
    @CsvSource({
        // n, T, clip, clips, expected: floor((i + (clip + 1/2) / clips) n / T), by hand
        "40, 4, 0, 2, 2 12 22 32",
        "40, 4, 1, 2, 7 17 27 37",
        "30, 8, 0, 3, 0 4 8 11 15 19 23 26",
        "30, 8, 1, 3, 1 5 9 13 16 20 24 28",
        "30, 8, 2, 3, 3 6 10 14 18 21 25 29",
        "30, 8, 0, 1, 1 5 9 13 16 20 24 28",
    })
    void temporalViews(int n, int t, int clip, int clips, String expected) {
        assertArrayEquals(ints(expected), FrameSampler.segment(t).view(n, clip, clips));
    }

    @Test
    void oneTemporalViewIsTheEvaluationClip() {
        for (int n : new int[] {1, 3, 5, 16, 30, 299}) {
            assertArrayEquals(FrameSampler.segment(8).sample(n, false, 0), FrameSampler.segment(8).view(n, 0, 1));
            assertArrayEquals(FrameSampler.uniform(8).sample(n, false, 0), FrameSampler.uniform(8).view(n, 0, 1));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FrameSampler.uniform(8).view(30, 0, 2));
        assertTrue(e.getMessage().contains("segment sampling"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.segment(8).view(30, 2, 2));
    }

    @Test
    void candidatesPerSegment() {
        // n=30, T=8: segments [0,3) [3,7) [7,11) [11,15) [15,18) [18,22) [22,26) [26,30); k=2 keeps
        // start + floor((2j + 1) len / 4)
        int[][] c = FrameSampler.segment(8).candidates(30, 2);
        int[][] expected = {{0, 2}, {4, 6}, {8, 10}, {12, 14}, {15, 17}, {19, 21}, {23, 25}, {27, 29}};
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(expected[i], c[i], "segment " + i);
        }
        // segments of 2 frames and k=4: every frame is a candidate (exact segment sampling)
        int[][] all = FrameSampler.segment(8).candidates(16, 4);
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(new int[] {2 * i, 2 * i + 1}, all[i]);
        }
        // fewer frames than segments: one frame each, inside the video
        int[][] few = FrameSampler.segment(8).candidates(5, 4);
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 3, 3, 4},
                Arrays.stream(few).mapToInt(a -> {
                    assertEquals(1, a.length);
                    return a[0];
                }).toArray());
        // other modes: their evaluation frame only
        int[][] u = FrameSampler.uniform(4).candidates(30, 4);
        assertArrayEquals(FrameSampler.uniform(4).sample(30, false, 0), Arrays.stream(u).mapToInt(a -> a[0]).toArray());
        assertThrows(IllegalArgumentException.class, () -> FrameSampler.segment(8).candidates(30, 0));
    }
}
