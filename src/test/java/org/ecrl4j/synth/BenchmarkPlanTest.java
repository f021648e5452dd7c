package org.ecrl4j.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchmarkPlanTest {
    private static List<BenchmarkPlan.Entry> of(BenchmarkPlan plan, Split split, EventClass c) {
        return plan.entries().stream().filter(e -> e.split() == split && e.spec().label() == c).toList();
    }

    private static double homeBackgroundShare(List<BenchmarkPlan.Entry> es, EventClass c) {
        return es.stream().filter(e -> e.spec().background() == BenchmarkPlan.homeBackground(c)).count() / (double) es.size();
    }

    private static double homeShapeShare(List<BenchmarkPlan.Entry> es, EventClass c) {
        return es.stream().filter(e -> e.spec().shape() == BenchmarkPlan.homeShape(c)).count() / (double) es.size();
    }

    @Test
    void defaultCountsAreThoseOfTheBenchmarkSpec() {
        BenchmarkPlan plan = new BenchmarkPlan(SynthConfig.defaults(1));
        int[] expected = {60, 20, 60, 30, 30, 30, 20};
        for (Split s : Split.values()) {
            for (EventClass c : plan.classes()) {
                assertEquals(expected[s.ordinal()], of(plan, s, c).size(), s + " " + c);
            }
        }
        assertEquals(6 * 250, plan.entries().size());
        assertEquals(6, plan.backgrounds().size(), "as many background families as classes");
        assertEquals(4, plan.shapes().size());
        assertEquals(6, new BenchmarkPlan(new SynthConfig(8, 6, 32, 16, 8, 0.9, 0.8, 1, VideoCodec.H264)).shapes().size(),
                "6 shapes once the rotation pair is in");
    }

    @Test
    void confoundingIsWhatTheConfigurationClaims() {
        for (double[] bias : new double[][] {{0.9, 0.8}, {0.7, 0.55}}) {
            BenchmarkPlan plan = new BenchmarkPlan(new SynthConfig(10, 60, 48, 16, 8, bias[0], bias[1], 7, VideoCodec.H264));
            for (EventClass c : plan.classes()) {
                for (Split s : List.of(Split.TRAIN, Split.VAL, Split.IID)) {
                    assertEquals(bias[0], homeBackgroundShare(of(plan, s, c), c), 0.05, s + " " + c + " background");
                    assertEquals(bias[1], homeShapeShare(of(plan, s, c), c), 0.05, s + " " + c + " shape");
                }
                assertEquals(0.0, homeBackgroundShare(of(plan, Split.BG_SHIFT, c), c), c + " bg-shift");
                assertEquals(bias[1], homeShapeShare(of(plan, Split.BG_SHIFT, c), c), 0.05, c + " bg-shift shape");
                assertEquals(0.0, homeShapeShare(of(plan, Split.OBJ_SHIFT, c), c), c + " obj-shift");
                assertEquals(bias[0], homeBackgroundShare(of(plan, Split.OBJ_SHIFT, c), c), 0.05, c + " obj-shift bg");
                assertEquals(1.0, homeBackgroundShare(of(plan, Split.BG_ONLY, c), c), c + " bg-only");
                double unbiased = homeBackgroundShare(of(plan, Split.TRAIN_UNBIASED, c), c);
                assertTrue(unbiased < 0.3, c + " train-unbiased home share " + unbiased + " (uniform: 0.1)");
                // Off-home draws cover the other families.
                Set<Background> seen = new HashSet<>();
                of(plan, Split.BG_SHIFT, c).forEach(e -> seen.add(e.spec().background()));
                assertTrue(seen.size() >= 5, c + " bg-shift backgrounds " + seen);
            }
        }
    }

    @Test
    void pairsShareTheHomeShapeButNotTheHomeBackground() {
        for (EventClass c : EventClass.values()) {
            assertEquals(BenchmarkPlan.homeShape(c), BenchmarkPlan.homeShape(c.partner()), c.label());
            assertNotEquals(BenchmarkPlan.homeBackground(c), BenchmarkPlan.homeBackground(c.partner()), c.label());
            assertEquals(c, c.partner().partner());
            assertEquals(c.kind(), c.partner().kind());
            assertNotEquals(c.reversed(), c.partner().reversed());
        }
    }

    @Test
    void bgOnlyHasNoEvent() {
        BenchmarkPlan plan = new BenchmarkPlan(SynthConfig.defaults(3));
        int withObject = 0, without = 0;
        for (BenchmarkPlan.Entry e : plan.entries()) {
            boolean bgOnly = e.split() == Split.BG_ONLY;
            assertEquals(bgOnly, e.spec().motion() != VideoSpec.Motion.EVENT, e.path());
            if (bgOnly) {
                if (e.spec().motion() == VideoSpec.Motion.STATIC) {
                    withObject++;
                } else {
                    without++;
                    assertEquals("none", e.spec().shapeLabel());
                }
            }
        }
        assertTrue(withObject > 20 && without > 20, withObject + " static, " + without + " empty");
    }

    @Test
    void planIsDeterministicAndSeedsAreDistinct() {
        BenchmarkPlan a = new BenchmarkPlan(SynthConfig.defaults(5));
        assertEquals(a.entries(), new BenchmarkPlan(SynthConfig.defaults(5)).entries());
        assertNotEquals(a.entries(), new BenchmarkPlan(SynthConfig.defaults(6)).entries());
        Set<Long> seeds = new HashSet<>();
        Set<String> paths = new HashSet<>();
        for (BenchmarkPlan.Entry e : a.entries()) {
            assertTrue(e.spec().seed() >= 0);
            seeds.add(e.spec().seed());
            paths.add(e.path());
            assertEquals(e.path().replace("videos/", "masks/").replace(".mp4", ".png"), e.maskPath());
        }
        assertEquals(a.entries().size(), seeds.size());
        assertEquals(a.entries().size(), paths.size());
    }

    @Test
    void perClassScalesTheSplits() {
        BenchmarkPlan plan = new BenchmarkPlan(new SynthConfig(2, 6, 32, 16, 8, 0.9, 0.8, 1, VideoCodec.H264));
        int[] expected = {6, 2, 6, 3, 3, 3, 2};
        for (Split s : Split.values()) {
            assertEquals(expected[s.ordinal()], of(plan, s, EventClass.SLIDE_LEFT).size(), s.label());
        }
    }

    @Test
    void sampledFramesAreSegmentCentres() {
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 3, 5, 7, 9, 11, 13, 15},
                SynthConfig.sampledFrames(16, 8));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7},
                SynthConfig.sampledFrames(8, 8));
    }

    @Test
    void badConfigurationNamesTheOption() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SynthConfig(5, 60, 48, 16, 8, 0.9, 0.8, 1, VideoCodec.H264));
        assertTrue(e.getMessage().contains("classes") && e.getMessage().contains("5"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SynthConfig(6, 60, 47, 16, 8, 0.9, 0.8, 1, VideoCodec.H264));
        assertTrue(e.getMessage().contains("size"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SynthConfig(6, 60, 48, 16, 8, 1.5, 0.8, 1, VideoCodec.H264));
        assertTrue(e.getMessage().contains("bg-bias"), e.getMessage());
    }
}
