package org.ecrl4j.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ecrl4j.video.RgbFrame;
import org.junit.jupiter.api.Test;

/**
 * The hard preset (issue 15): masks stay exact, the events keep their direction through the
 * camera, every added part is drawn independently of the class, and the confounding of the plan is
 * the default preset's.
 */
class HardPresetTest {
    static final int SIZE = SynthConfig.HARD_SIZE;
    static final int FRAMES = 16;
    static final int[] SAMPLED = SynthConfig.sampledFrames(FRAMES, SynthConfig.SAMPLED_FRAMES);
    static final EventRenderer HARD = new EventRenderer(SIZE, FRAMES, Hardness.HARD);

    /**
     * The mask is exactly the set of pixels the event's object paints: rendering without the object
     * (same background, distractors, occluder, flicker and noise) changes a pixel only where the mask
     * is set, and nearly every mask pixel changes (a pixel of the object's colour may equal the
     * background's by chance).
     */
    @Test
    void masksAreExactlyThePixelsTheObjectPaints() {
        int occludedVideos = 0;
        for (int i = 0; i < 36; i++) {
            EventClass c = EventClass.values()[i % 6];
            VideoSpec spec = VideoSpec.event(c, Background.values()[i % 6], ObjectShape.values()[i % 4], 900 + i);
            RenderedVideo v = HARD.render(spec);
            RenderedVideo bg = HARD.renderBackgroundOnly(spec);
            occludedVideos += HardScene.of(spec, Hardness.HARD, FRAMES).occluder != null ? 1 : 0;
            long maskPixels = 0;
            long changedInMask = 0;
            for (int t = 0; t < FRAMES; t++) {
                byte[] a = v.frames().get(t).pixels();
                byte[] b = bg.frames().get(t).pixels();
                byte[] m = v.masks().get(t);
                for (int p = 0; p < m.length; p++) {
                    boolean changed = a[p * 3] != b[p * 3] || a[p * 3 + 1] != b[p * 3 + 1] || a[p * 3 + 2] != b[p * 3 + 2];
                    if (m[p] == 0) {
                        assertTrue(!changed, c.label() + " seed " + spec.seed() + " frame " + t + " pixel " + p
                                + " changed outside the mask");
                    } else {
                        maskPixels++;
                        changedInMask += changed ? 1 : 0;
                    }
                }
            }
            assertTrue(maskPixels > 0, "no object in " + spec);
            assertTrue(changedInMask >= 0.97 * maskPixels, spec + ": " + changedInMask + " of " + maskPixels);
        }
        assertTrue(occludedVideos >= 8 && occludedVideos <= 28, "occluded videos " + occludedVideos + " of 36");
    }

    /**
     * Seen through the moving camera, a slide or rise still moves the way its class says (by at least
     * 0.15 of the frame between the first and last sampled frames, however the camera pans),
     * and grow/shrink still grow and shrink (area ratio beyond 2.5 whatever the zoom).
     */
    @Test
    void everyEventKeepsItsDirectionThroughTheCamera() {
        for (EventClass c : EventClass.first(6)) {
            for (long seed = 1; seed <= 40; seed++) {
                VideoSpec spec = VideoSpec.event(c, Background.values()[(int) (seed % 6)],
                        ObjectShape.values()[(int) (seed % 4)], Seeds.derive(seed, 77));
                RenderedVideo v = HARD.render(spec);
                byte[] first = v.masks().get(SAMPLED[0]);
                byte[] last = v.masks().get(SAMPLED[SAMPLED.length - 1]);
                String what = c.label() + " seed " + spec.seed();
                switch (c.kind()) {
                    case SLIDE, RISE -> {
                        int axis = c.kind() == EventClass.Kind.SLIDE ? 0 : 1;
                        double sign = (c == EventClass.SLIDE_RIGHT || c == EventClass.FALL) ? 1 : -1;
                        double travel = sign * (EventRendererTest.centroid(last, SIZE)[axis]
                                - EventRendererTest.centroid(first, SIZE)[axis]);
                        assertTrue(travel >= 0.15 * SIZE, what + " travelled " + travel);
                    }
                    case GROW -> {
                        double ratio = EventRendererTest.area(last) / (double) EventRendererTest.area(first);
                        assertTrue(c == EventClass.GROW ? ratio > 2.5 : ratio < 1 / 2.5, what + " area ratio " + ratio);
                    }
                    default -> throw new AssertionError(c);
                }
            }
        }
    }

    /**
     * The camera, the distractors, the occluder, the background's sway and flicker and the event's
     * timing are functions of the video's seed alone: the same seed under every class gives the same
     * scene, so none of them can carry the class (the plan's seeds are hashed from the video's
     * coordinates). Distinct seeds give distinct scenes.
     */
    @Test
    void theSceneDoesNotDependOnTheClass() {
        for (long seed = 1; seed <= 20; seed++) {
            HardScene ref = HardScene.of(VideoSpec.event(EventClass.SLIDE_LEFT, Background.SKY, ObjectShape.ARROW, seed),
                    Hardness.HARD, FRAMES);
            for (EventClass c : EventClass.values()) {
                HardScene s = HardScene.of(VideoSpec.event(c, Background.values()[c.ordinal()],
                        ObjectShape.values()[c.pair() % 6], seed), Hardness.HARD, FRAMES);
                assertArrayEquals(ref.camX, s.camX);
                assertArrayEquals(ref.camY, s.camY);
                assertArrayEquals(ref.zoom, s.zoom);
                assertArrayEquals(ref.gain, s.gain);
                assertEquals(ref.distractors.size(), s.distractors.size());
                for (int k = 0; k < ref.distractors.size(); k++) {
                    assertEquals(ref.distractors.get(k).x1(), s.distractors.get(k).x1());
                    assertEquals(ref.distractors.get(k).shape(), s.distractors.get(k).shape());
                }
                assertEquals(ref.occluder == null, s.occluder == null);
                assertEquals(ref.start, s.start);
                assertEquals(ref.duration, s.duration);
                assertEquals(ref.swayAmp, s.swayAmp);
            }
            HardScene other = HardScene.of(VideoSpec.event(EventClass.SLIDE_LEFT, Background.SKY, ObjectShape.ARROW,
                    seed + 1000), Hardness.HARD, FRAMES);
            assertNotEquals(ref.camX[0], other.camX[0]);
        }
    }

    /**
     * Over the train split of the hard benchmark, the pan, the zoom and the distractors' motion
     * average out within every class: per class, the mean horizontal pan is within its sampling
     * error of 0 and the two directions of the pan are both common.
     */
    @Test
    void panAndDistractorMotionAreBalancedInEveryClass() {
        BenchmarkPlan plan = new BenchmarkPlan(SynthConfig.hard(1));
        for (EventClass c : plan.classes()) {
            List<Double> pans = new ArrayList<>();
            List<Double> moves = new ArrayList<>();
            for (BenchmarkPlan.Entry e : plan.entries()) {
                if (e.split() != Split.TRAIN || e.spec().label() != c) {
                    continue;
                }
                HardScene s = HardScene.of(e.spec(), Hardness.HARD, FRAMES);
                pans.add(s.camX[FRAMES - 1] - s.camX[0]);
                for (HardScene.Distractor d : s.distractors) {
                    moves.add(d.x1() - d.x0());
                }
            }
            // Uniform in [-PAN, PAN] plus shake: sd about PAN / sqrt(3); 60 videos.
            double limit = 3 * HardScene.PAN / Math.sqrt(3) / Math.sqrt(pans.size()) + 0.01;
            assertEquals(0, mean(pans), limit, c.label() + " mean pan");
            assertEquals(0, mean(moves), 0.1, c.label() + " mean distractor motion");
            long right = pans.stream().filter(p -> p > 0).count();
            assertTrue(right > 15 && right < 45, c.label() + ": " + right + " of 60 pan right");
        }
    }

    /** The plan, and with it the confounding, of the hard preset is the default preset's. */
    @Test
    void theHardPlanHasTheDefaultConfounding() {
        List<BenchmarkPlan.Entry> hard = new BenchmarkPlan(SynthConfig.hard(3)).entries();
        List<BenchmarkPlan.Entry> plain = new BenchmarkPlan(SynthConfig.defaults(3)).entries();
        assertEquals(plain, hard);
    }

    /** Each switch alone changes the picture, and only the switches that are on change it. */
    @Test
    void eachSwitchAloneChangesThePicture() {
        VideoSpec spec = VideoSpec.event(EventClass.RISE, Background.BRICK, ObjectShape.ELL, 4242);
        EventRenderer plain = new EventRenderer(48, FRAMES);
        RenderedVideo base = plain.render(spec);
        for (Hardness h : List.of(Hardness.NONE.withCameraMotion(true), Hardness.NONE.withDistractors(3),
                Hardness.NONE.withDynamicBackground(true), Hardness.NONE.withSpeeds(true))) {
            RenderedVideo v = new EventRenderer(48, FRAMES, h).render(spec);
            double diff = 0;
            for (int t = 0; t < FRAMES; t++) {
                diff += EventRendererTest.contrast(v.frames().get(t), base.frames().get(t), ones(48));
            }
            assertTrue(diff / FRAMES > 1, h + " changed the frames by " + diff / FRAMES);
        }
        // Occlusion: find a seed with an occluder; its object loses pixels to the bar.
        for (long seed = 1; seed < 50; seed++) {
            VideoSpec s = VideoSpec.event(EventClass.SLIDE_RIGHT, Background.SAND, ObjectShape.ARROW, seed);
            Hardness h = Hardness.NONE.withOcclusion(true);
            if (HardScene.of(s, h, FRAMES).occluder == null) {
                continue;
            }
            RenderedVideo a = new EventRenderer(48, FRAMES, h).render(s);
            RenderedVideo b = plain.render(s);
            int lost = 0;
            for (int t = 0; t < FRAMES; t++) {
                lost += EventRendererTest.area(b.masks().get(t)) - EventRendererTest.area(a.masks().get(t));
            }
            assertTrue(lost > 0, "the bar hides nothing of seed " + seed);
            return;
        }
        throw new AssertionError("no seed in 1..49 has an occluder");
    }

    /** 112x112 works: the object is drawn at the right scale. */
    @Test
    void size112Works() {
        EventRenderer big = new EventRenderer(112, FRAMES, Hardness.HARD);
        VideoSpec spec = VideoSpec.event(EventClass.SLIDE_LEFT, Background.GRASS, ObjectShape.TRIANGLE, 5);
        RenderedVideo v = big.render(spec);
        RgbFrame f = v.frames().get(0);
        assertEquals(112, f.width());
        ObjectState s = v.states().get(0);
        assertTrue(s.radius() > 0.14 * 112 * 0.85 && s.radius() < 0.18 * 112 * 1.2, "radius " + s.radius());
        // Without the occluder (a bar can hide much of a thin shape), the whole object shows at the right scale.
        v = new EventRenderer(112, FRAMES, Hardness.HARD.withOcclusion(false)).render(spec);
        int most = v.masks().stream().mapToInt(EventRendererTest::area).max().orElse(0);
        assertTrue(most > 250, "largest area " + most); // a triangle of radius 0.14-0.18 of 112: 270-440 pixels
    }

    private static byte[] ones(int size) {
        byte[] m = new byte[size * size];
        java.util.Arrays.fill(m, (byte) 1);
        return m;
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
}
