package org.ecrl4j.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ecrl4j.video.RgbFrame;
import org.junit.jupiter.api.Test;

class EventRendererTest {
    static final int SIZE = 48;
    static final int FRAMES = 16;
    static final int[] SAMPLED = SynthConfig.sampledFrames(FRAMES, SynthConfig.SAMPLED_FRAMES);
    static final long[] SEEDS = {11, 222, 3333};
    final EventRenderer renderer = new EventRenderer(SIZE, FRAMES);

    static int area(byte[] m) {
        int n = 0;
        for (byte b : m) {
            n += b != 0 ? 1 : 0;
        }
        return n;
    }

    /** Mask centroid {x, y} in pixels. */
    static double[] centroid(byte[] m, int size) {
        double sx = 0, sy = 0;
        int n = 0;
        for (int i = 0; i < m.length; i++) {
            if (m[i] != 0) {
                sx += i % size + 0.5;
                sy += i / size + 0.5;
                n++;
            }
        }
        return new double[] {sx / n, sy / n};
    }

    /**
     * The rotation (degrees, positive clockwise on screen) about (cx, cy) that best maps mask a onto
     * mask b, searched from -90 to 90 in 2-degree steps by IoU.
     */
    static double bestRotation(byte[] a, byte[] b, double cx, double cy, int size) {
        double best = Double.NaN, bestIou = -1;
        for (int deg = -90; deg <= 90; deg += 2) {
            double th = Math.toRadians(deg), cos = Math.cos(th), sin = Math.sin(th);
            int inter = 0, union = 0;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                    // Where pixel (x, y) of the rotated mask comes from: rotate back by -deg.
                    int sx = (int) Math.floor(cx + dx * cos + dy * sin);
                    int sy = (int) Math.floor(cy - dx * sin + dy * cos);
                    boolean ra = sx >= 0 && sy >= 0 && sx < size && sy < size && a[sy * size + sx] != 0;
                    boolean rb = b[y * size + x] != 0;
                    inter += ra && rb ? 1 : 0;
                    union += ra || rb ? 1 : 0;
                }
            }
            double iou = union == 0 ? 0 : inter / (double) union;
            if (iou > bestIou) {
                bestIou = iou;
                best = deg;
            }
        }
        return best;
    }

    /** Mean over the region of the summed channel difference between two frames. */
    static double contrast(RgbFrame a, RgbFrame b, byte[] region) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < region.length; i++) {
            if (region[i] != 0) {
                for (int c = 0; c < 3; c++) {
                    sum += Math.abs((a.pixels()[i * 3 + c] & 0xff) - (b.pixels()[i * 3 + c] & 0xff));
                }
                n++;
            }
        }
        return sum / n;
    }

    @Test
    void everyEventIsVisibleInTheSampledFramesInTheDirectionItsClassNames() {
        double s = SIZE;
        for (EventClass c : EventClass.values()) {
            for (ObjectShape shape : ObjectShape.values()) {
                for (long seed : SEEDS) {
                    VideoSpec spec = VideoSpec.event(c, Background.values()[(int) (seed % 10)], shape, seed);
                    RenderedVideo v = renderer.render(spec);
                    String what = c.label() + " " + shape.label() + " seed " + seed;
                    byte[] first = v.masks().get(SAMPLED[0]);
                    byte[] last = v.masks().get(SAMPLED[SAMPLED.length - 1]);
                    switch (c.kind()) {
                        case SLIDE, RISE -> {
                            int axis = c.kind() == EventClass.Kind.SLIDE ? 0 : 1;
                            // slide-right and fall move towards larger coordinates.
                            double sign = (c == EventClass.SLIDE_RIGHT || c == EventClass.FALL) ? 1 : -1;
                            for (int k = 1; k < SAMPLED.length; k++) {
                                double step = centroid(v.masks().get(SAMPLED[k]), SIZE)[axis]
                                        - centroid(v.masks().get(SAMPLED[k - 1]), SIZE)[axis];
                                assertTrue(sign * step > 0, what + " step " + k + " moved " + step);
                            }
                            double travel = sign * (centroid(last, SIZE)[axis] - centroid(first, SIZE)[axis]);
                            // At least half the frame over the clip, 14/15 of it between frames 1 and 15.
                            assertTrue(travel >= 0.45 * s, what + " travelled " + travel);
                            double across = centroid(last, SIZE)[1 - axis] - centroid(first, SIZE)[1 - axis];
                            assertEquals(0, across, 0.5, what + " drifted across");
                        }
                        case GROW -> {
                            double ratio = area(last) / (double) area(first);
                            if (c == EventClass.GROW) {
                                assertTrue(ratio > 5, what + " area ratio " + ratio);
                            } else {
                                assertTrue(ratio < 0.2, what + " area ratio " + ratio);
                            }
                            for (int k = 1; k < SAMPLED.length; k++) {
                                int a0 = area(v.masks().get(SAMPLED[k - 1])), a1 = area(v.masks().get(SAMPLED[k]));
                                assertTrue(c == EventClass.GROW ? a1 > a0 : a1 < a0, what + " step " + k);
                            }
                        }
                        case ROTATE -> {
                            ObjectState st = v.states().get(0);
                            double total = 0;
                            for (int k = 1; k < SAMPLED.length; k++) {
                                double d = bestRotation(v.masks().get(SAMPLED[k - 1]), v.masks().get(SAMPLED[k]),
                                        st.cx(), st.cy(), SIZE);
                                assertTrue(c == EventClass.ROTATE_CW ? d > 0 : d < 0, what + " step " + k + " turned " + d);
                                total += d;
                            }
                            // 180-270 degrees over the clip; 14/15 of it is 168-252 between the sampled ends.
                            assertTrue(Math.abs(total) > 140, what + " turned " + total);
                            assertEquals(area(first), area(last), 0.25 * area(first), what + " size kept");
                        }
                        case FADE -> {
                            List<RgbFrame> bg = renderer.renderBackgroundOnly(spec).frames();
                            byte[] region = v.masks().get(c == EventClass.FADE_IN ? FRAMES - 1 : 0);
                            double c0 = contrast(v.frames().get(SAMPLED[0]), bg.get(SAMPLED[0]), region);
                            double c1 = contrast(v.frames().get(SAMPLED[SAMPLED.length - 1]),
                                    bg.get(SAMPLED[SAMPLED.length - 1]), region);
                            if (c == EventClass.FADE_IN) {
                                assertTrue(c1 > 5 * c0 && c1 > 60, what + " contrast " + c0 + " -> " + c1);
                            } else {
                                assertTrue(c0 > 5 * c1 && c0 > 60, what + " contrast " + c0 + " -> " + c1);
                            }
                        }
                        default -> throw new AssertionError(c);
                    }
                    // The two members of a pair differ in what the sampled frames show.
                    RenderedVideo other = renderer.render(VideoSpec.event(c.partner(), spec.background(), shape, seed));
                    double diff = 0;
                    for (int t : SAMPLED) {
                        diff += contrast(v.frames().get(t), other.frames().get(t), allOnes());
                    }
                    assertTrue(diff / SAMPLED.length > 3, what + " vs " + c.partner().label() + ": " + diff);
                }
            }
        }
    }

    private static byte[] allOnes() {
        byte[] m = new byte[SIZE * SIZE];
        java.util.Arrays.fill(m, (byte) 1);
        return m;
    }

    /**
     * Reversing a video of one class gives the other class of its pair up to the noise: both render
     * the same noiseless picture (the reversed class evaluates its progress from T-1-t with the same
     * arithmetic), and each adds its own uniform integer noise in [-NOISE, NOISE] per channel, so
     * two matching pixels differ by at most 2 * NOISE (clamping to 0-255 only shrinks the gap). The
     * masks, which carry no noise, must be exactly equal.
     */
    @Test
    void aReversedVideoIsTheOtherClassOfItsPairUpToNoise() {
        int tolerance = 2 * EventRenderer.NOISE;
        for (EventClass c : EventClass.values()) {
            if (c.reversed()) {
                continue;
            }
            for (long seed : SEEDS) {
                for (ObjectShape shape : new ObjectShape[] {ObjectShape.ARROW, ObjectShape.PACMAN}) {
                    Background bg = Background.values()[(int) ((seed + c.ordinal()) % 10)];
                    RenderedVideo a = renderer.render(VideoSpec.event(c, bg, shape, seed));
                    RenderedVideo b = renderer.render(VideoSpec.event(c.partner(), bg, shape, seed));
                    int worstReversed = 0, worstForward = 0;
                    for (int t = 0; t < FRAMES; t++) {
                        assertArrayEquals(a.masks().get(FRAMES - 1 - t), b.masks().get(t), c.label() + " frame " + t);
                        worstReversed = Math.max(worstReversed, maxDiff(a.frames().get(FRAMES - 1 - t), b.frames().get(t)));
                        worstForward = Math.max(worstForward, maxDiff(a.frames().get(t), b.frames().get(t)));
                    }
                    assertTrue(worstReversed <= tolerance, c.label() + " reversed differs by " + worstReversed);
                    assertTrue(worstReversed > 0, "the noise is drawn per frame, so it differs");
                    assertTrue(worstForward > 40, c.label() + " unreversed differs only by " + worstForward);
                }
            }
        }
    }

    static int maxDiff(RgbFrame a, RgbFrame b) {
        int m = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            m = Math.max(m, Math.abs((a.pixels()[i] & 0xff) - (b.pixels()[i] & 0xff)));
        }
        return m;
    }

    /**
     * The object's pixels are where the mask says: outside the mask a frame equals the same video
     * rendered without its object (same background, same noise) exactly; inside, a pixel of an
     * opaque object differs, except where its colour happens to lie within the noise of the
     * background's (a dark outline on the night sky); at least 80% must differ by more than the
     * noise range.
     */
    @Test
    void masksAgreeWithTheRenderedFrames() {
        int checked = 0;
        for (EventClass c : EventClass.values()) {
            for (Background bg : Background.values()) {
                long seed = 100 + c.ordinal() * 10L + bg.ordinal();
                ObjectShape shape = ObjectShape.values()[(int) (seed % 6)];
                VideoSpec spec = VideoSpec.event(c, bg, shape, seed);
                RenderedVideo v = renderer.render(spec);
                RenderedVideo empty = renderer.renderBackgroundOnly(spec);
                for (int t = 0; t < FRAMES; t++) {
                    byte[] m = v.masks().get(t);
                    byte[] px = v.frames().get(t).pixels(), bpx = empty.frames().get(t).pixels();
                    int inside = 0, differs = 0;
                    for (int i = 0; i < m.length; i++) {
                        assertTrue(m[i] == 0 || m[i] == (byte) 255, "mask values are 0 or 255");
                        int d = 0;
                        for (int ch = 0; ch < 3; ch++) {
                            d = Math.max(d, Math.abs((px[i * 3 + ch] & 0xff) - (bpx[i * 3 + ch] & 0xff)));
                        }
                        if (m[i] == 0) {
                            assertEquals(0, d, c.label() + " " + bg.label() + " frame " + t + " pixel " + i + " outside");
                        } else {
                            inside++;
                            differs += d > 2 * EventRenderer.NOISE ? 1 : 0;
                        }
                    }
                    if (v.states().get(t).opacity() == 1) {
                        assertTrue(inside > 0);
                        assertTrue(differs >= 0.8 * inside, c.label() + " " + bg.label() + " frame " + t + ": "
                                + differs + " of " + inside);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 500, "checked " + checked + " frames");
    }

    @Test
    void bgOnlyVideosAreStaticApartFromNoise() {
        for (long seed : SEEDS) {
            for (VideoSpec spec : new VideoSpec[] {
                new VideoSpec(EventClass.RISE, Background.BRICK, ObjectShape.ELL, seed, VideoSpec.Motion.STATIC),
                new VideoSpec(EventClass.GROW, Background.NIGHT, null, seed, VideoSpec.Motion.NONE)
            }) {
                RenderedVideo v = renderer.render(spec);
                for (int t = 1; t < FRAMES; t++) {
                    assertArrayEquals(v.masks().get(0), v.masks().get(t), "the object does not move");
                    assertTrue(maxDiff(v.frames().get(0), v.frames().get(t)) <= 2 * EventRenderer.NOISE);
                }
                assertEquals(spec.motion() == VideoSpec.Motion.NONE, area(v.masks().get(0)) == 0);
            }
        }
    }

    @Test
    void backgroundsVaryBetweenVideosOfOneFamily() {
        for (Background bg : Background.values()) {
            byte[] a = bg.paint(SIZE, new java.util.SplittableRandom(1));
            byte[] b = bg.paint(SIZE, new java.util.SplittableRandom(2));
            assertArrayEquals(a, bg.paint(SIZE, new java.util.SplittableRandom(1)), bg.label() + " deterministic");
            double mean = 0;
            for (int i = 0; i < a.length; i++) {
                mean += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
            }
            assertTrue(mean / a.length > 3, bg.label() + " jitter/phase changes the picture: " + mean / a.length);
        }
    }

    /** No shape looks the same after any rotation by 360/n degrees (n = 2..6), so turns are visible. */
    @Test
    void noShapeIsRotationallySymmetric() {
        int grid = 201;
        for (ObjectShape shape : ObjectShape.values()) {
            for (int n = 2; n <= 6; n++) {
                double th = 2 * Math.PI / n;
                int inter = 0, union = 0;
                for (int i = 0; i < grid; i++) {
                    for (int j = 0; j < grid; j++) {
                        double u = -1 + 2.0 * i / (grid - 1), v = -1 + 2.0 * j / (grid - 1);
                        boolean a = shape.contains(u, v);
                        boolean b = shape.contains(u * Math.cos(th) + v * Math.sin(th), -u * Math.sin(th) + v * Math.cos(th));
                        inter += a && b ? 1 : 0;
                        union += a || b ? 1 : 0;
                    }
                }
                assertTrue(inter / (double) union < 0.85, shape.label() + " looks alike turned by 360/" + n
                        + ": IoU " + inter / (double) union);
            }
            assertTrue(shape.contains(0, 0.5) || shape.contains(0, -0.5) || shape.contains(-0.5, 0), shape.label());
            assertFalse(shape.contains(0.99, 0.99), shape.label() + " stays in the unit disc");
        }
    }

    @Test
    void renderingIsDeterministicAndTheRadiusIsInRange() {
        VideoSpec spec = VideoSpec.event(EventClass.SLIDE_LEFT, Background.SAND, ObjectShape.TRIANGLE, 42);
        RenderedVideo a = renderer.render(spec), b = renderer.render(spec);
        for (int t = 0; t < FRAMES; t++) {
            assertArrayEquals(a.frames().get(t).pixels(), b.frames().get(t).pixels());
            assertArrayEquals(a.masks().get(t), b.masks().get(t));
        }
        for (long seed = 0; seed < 200; seed++) {
            for (EventClass c : EventClass.values()) {
                List<ObjectState> st = renderer.states(VideoSpec.event(c, Background.SKY, ObjectShape.ARROW, seed));
                double r0 = st.get(0).radius() / SIZE, r1 = st.get(FRAMES - 1).radius() / SIZE;
                if (c.kind() == EventClass.Kind.GROW) {
                    assertEquals(c == EventClass.GROW ? EventRenderer.GROW_FROM : EventRenderer.GROW_TO, r0, 1e-12);
                    assertEquals(c == EventClass.GROW ? EventRenderer.GROW_TO : EventRenderer.GROW_FROM, r1, 1e-12);
                } else {
                    assertTrue(r0 >= 0.14 && r0 <= 0.18 && r0 == r1, c + " radius " + r0);
                }
                for (ObjectState s : st) { // the whole object stays in the frame
                    assertTrue(s.cx() - s.radius() >= 0 && s.cx() + s.radius() <= SIZE, c + " x " + s);
                    assertTrue(s.cy() - s.radius() >= 0 && s.cy() + s.radius() <= SIZE, c + " y " + s);
                }
            }
        }
    }
}
