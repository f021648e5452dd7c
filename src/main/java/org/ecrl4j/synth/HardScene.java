package org.ecrl4j.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ecrl4j.video.RgbFrame;

/**
 * What the hard preset adds to one video (issue 15), drawn from the video's seed alone and never
 * from its class, so none of it is a shortcut: the camera, the distractors, the occluder, the
 * swaying and flickering background and the event's speed. Each part draws from its own stream
 * ({@code Seeds.mix(seed, 5..9)}), so switching one on or off leaves the others as they were, and
 * the streams of the default preset (background 1, object 2, noise 3, colours 4) are the default's.
 *
 * <p>The scene lives in a <em>world</em> whose unit square is where the default preset's events
 * happen; the background is painted over the larger square {@code [-0.3, 1.3]}. The camera looks at
 * the world through a window centred on {@code (camX(t), camY(t))} with zoom {@code zoom(t)}: pixel
 * centre {@code u = (x + 1/2) / size} sees world point {@code camX + (u - 1/2) / zoom}. Pan runs
 * linearly over the clip by up to {@value #PAN} of the frame on each axis, zoom changes
 * exponentially by up to {@code exp(}{@value #ZOOM}{@code )}, and every frame shakes by up to
 * {@value #SHAKE}. Objects are rasterised at the world point of each pixel centre, so the mask is
 * still exactly the set of pixels the event's object paints (an occluder in front of it takes its
 * pixels out of the mask).
 */
final class HardScene {
    /** The side of the painted background, in world units (the event's unit square in its middle). */
    static final double CANVAS = 1.6;
    /** Largest pan over the clip on each axis, in frame sides. */
    static final double PAN = 0.24;
    /** Largest |log zoom| change over the clip. */
    static final double ZOOM = 0.25;
    /** Largest per-frame shake on each axis, in frame sides. */
    static final double SHAKE = 0.02;
    /** Distractor radius range, in world units (the event's object: 0.14 to 0.18). */
    static final double DISTRACTOR_RADIUS_MIN = 0.06;
    static final double DISTRACTOR_RADIUS_MAX = 0.10;
    /** Distractor travel over the clip, in world units. */
    static final double DISTRACTOR_TRAVEL_MIN = 0.2;
    static final double DISTRACTOR_TRAVEL_MAX = 0.5;
    /** Share of videos with an occluder when occlusion is on. */
    static final double OCCLUDED_SHARE = 0.5;
    /** Occluder bar width range, world units: always narrower than the smallest object (0.16 across). */
    static final double BAR_MIN = 0.045;
    static final double BAR_MAX = 0.075;
    /** Largest sway of the background's rows, world units. */
    static final double SWAY = 0.02;
    /** Largest flicker amplitude (relative brightness). */
    static final double FLICKER = 0.07;
    /** The event's durations, as shares of the clip, with several speeds on. */
    static final double[] DURATIONS = {0.5, 0.75, 1.0};

    /** One distractor: a shape moving linearly (and turning) over the clip. */
    record Distractor(ObjectShape shape, double radius, double x0, double y0, double x1, double y1, double angle,
            double spin, int[] fill, int[] outline) {
        ObjectState at(double tau) {
            return new ObjectState(x0 + (x1 - x0) * tau, y0 + (y1 - y0) * tau, radius, angle + spin * tau, 1);
        }
    }

    /**
     * A bar in front of the event: vertical or horizontal, through where the event's object is at
     * frame {@code anchor} (moved by {@code offset}), so that it hides part of the object at least
     * then; {@code fallback} places it when the video has no object.
     */
    record Occluder(boolean vertical, int anchor, double offset, double fallback, double width, int[] colour) {
        /** The bar's centre line, world units. */
        double pos(List<ObjectState> world) {
            if (world.isEmpty()) {
                return fallback;
            }
            ObjectState s = world.get(anchor);
            return (vertical ? s.cx() : s.cy()) + offset;
        }
    }

    final double[] camX;
    final double[] camY;
    final double[] zoom;
    final List<Distractor> distractors;
    final Occluder occluder;
    final double swayAmp;
    final double swayFreq;
    final double swayPhase;
    final double swayStep;
    final double[] gain;
    final double start;
    final double duration;
    private final int frames;

    private HardScene(double[] camX, double[] camY, double[] zoom, List<Distractor> distractors, Occluder occluder,
            double swayAmp, double swayFreq, double swayPhase, double swayStep, double[] gain, double start,
            double duration, int frames) {
        this.camX = camX;
        this.camY = camY;
        this.zoom = zoom;
        this.distractors = distractors;
        this.occluder = occluder;
        this.swayAmp = swayAmp;
        this.swayFreq = swayFreq;
        this.swayPhase = swayPhase;
        this.swayStep = swayStep;
        this.gain = gain;
        this.start = start;
        this.duration = duration;
        this.frames = frames;
    }

    /** The scene of a video: a function of its seed and the switches only (not of its class). */
    static HardScene of(VideoSpec spec, Hardness h, int frames) {
        long seed = spec.seed();
        double[] camX = new double[frames];
        double[] camY = new double[frames];
        double[] zoom = new double[frames];
        java.util.Arrays.fill(camX, 0.5);
        java.util.Arrays.fill(camY, 0.5);
        java.util.Arrays.fill(zoom, 1.0);
        if (h.cameraMotion()) {
            SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, 5));
            double panX = (2 * rng.nextDouble() - 1) * PAN;
            double panY = (2 * rng.nextDouble() - 1) * PAN;
            double logZoom = (2 * rng.nextDouble() - 1) * ZOOM;
            for (int t = 0; t < frames; t++) {
                double tau = tau(t, frames) - 0.5;
                camX[t] = 0.5 + panX * tau + (2 * rng.nextDouble() - 1) * SHAKE;
                camY[t] = 0.5 + panY * tau + (2 * rng.nextDouble() - 1) * SHAKE;
                zoom[t] = Math.exp(logZoom * tau);
            }
        }
        List<Distractor> distractors = new ArrayList<>();
        SplittableRandom drng = new SplittableRandom(Seeds.mix(seed, 6));
        for (int k = 0; k < h.distractors(); k++) {
            ObjectShape shape = ObjectShape.values()[drng.nextInt(ObjectShape.values().length)];
            double r = DISTRACTOR_RADIUS_MIN + (DISTRACTOR_RADIUS_MAX - DISTRACTOR_RADIUS_MIN) * drng.nextDouble();
            double lo = r;
            double hi = 1 - r;
            double x0 = lo + (hi - lo) * drng.nextDouble();
            double y0 = lo + (hi - lo) * drng.nextDouble();
            double dir = drng.nextDouble() * 2 * Math.PI;
            double len = DISTRACTOR_TRAVEL_MIN + (DISTRACTOR_TRAVEL_MAX - DISTRACTOR_TRAVEL_MIN) * drng.nextDouble();
            double dx = Math.cos(dir) * len;
            double dy = Math.sin(dir) * len;
            // Turn back an axis that would leave the unit square (the direction stays uniform by symmetry).
            if (x0 + dx < lo || x0 + dx > hi) {
                dx = -dx;
            }
            if (y0 + dy < lo || y0 + dy > hi) {
                dy = -dy;
            }
            double x1 = Math.max(lo, Math.min(hi, x0 + dx));
            double y1 = Math.max(lo, Math.min(hi, y0 + dy));
            double angle = drng.nextDouble() * 2 * Math.PI;
            double spin = (2 * drng.nextDouble() - 1) * Math.PI / 2;
            int[] fill = new int[3];
            int[] outline = new int[3];
            EventRenderer.objectColours(drng, fill, outline);
            distractors.add(new Distractor(shape, r, x0, y0, x1, y1, angle, spin, fill, outline));
        }
        Occluder occluder = null;
        if (h.occlusion()) {
            SplittableRandom orng = new SplittableRandom(Seeds.mix(seed, 7));
            if (orng.nextDouble() < OCCLUDED_SHARE) {
                boolean vertical = orng.nextBoolean();
                int anchor = orng.nextInt(frames);
                double offset = (2 * orng.nextDouble() - 1) * 0.05;
                double fallback = 0.3 + 0.4 * orng.nextDouble();
                double width = BAR_MIN + (BAR_MAX - BAR_MIN) * orng.nextDouble();
                double base = 70 + 60 * orng.nextDouble();
                int[] colour = {(int) Math.round(base * 1.1), (int) Math.round(base * 0.95), (int) Math.round(base * 0.8)};
                occluder = new Occluder(vertical, anchor, offset, fallback, width, colour);
            }
        }
        double swayAmp = 0;
        double swayFreq = 0;
        double swayPhase = 0;
        double swayStep = 0;
        double[] gain = new double[frames];
        java.util.Arrays.fill(gain, 1.0);
        if (h.dynamicBackground()) {
            SplittableRandom brng = new SplittableRandom(Seeds.mix(seed, 9));
            swayAmp = SWAY * (0.3 + 0.7 * brng.nextDouble());
            swayFreq = 1.5 + 2.5 * brng.nextDouble();
            swayPhase = brng.nextDouble() * 2 * Math.PI;
            swayStep = (0.5 + 1.0 * brng.nextDouble()) * (brng.nextBoolean() ? 1 : -1);
            double amp = FLICKER * (0.3 + 0.7 * brng.nextDouble());
            double cycles = 1 + 2 * brng.nextDouble();
            double phase = brng.nextDouble() * 2 * Math.PI;
            for (int t = 0; t < frames; t++) {
                gain[t] = 1 + amp * (0.7 * Math.sin(2 * Math.PI * cycles * tau(t, frames) + phase)
                        + 0.3 * (2 * brng.nextDouble() - 1));
            }
        }
        double start = 0;
        double duration = 1;
        if (h.speeds()) {
            SplittableRandom srng = new SplittableRandom(Seeds.mix(seed, 8));
            duration = DURATIONS[srng.nextInt(DURATIONS.length)];
            start = (1 - duration) * srng.nextDouble();
        }
        return new HardScene(camX, camY, zoom, List.copyOf(distractors), occluder, swayAmp, swayFreq, swayPhase,
                swayStep, gain, start, duration, frames);
    }

    private static double tau(int t, int frames) {
        return (double) t / (frames - 1);
    }

    /**
     * The event's progress at frame t: 0 before its window, 1 after, linear inside. The reversed
     * member of a pair evaluates it at {@code T-1-t}, as the default preset does, so with one seed
     * the two members play mirrored events (the camera, drawn from the seed, is the same for both).
     */
    double progress(VideoSpec spec, int t) {
        int step = spec.label().reversed() ? frames - 1 - t : t;
        double f = (double) step / (frames - 1);
        return Math.max(0, Math.min(1, (f - start) / duration));
    }

    /** The event object's states seen through the camera, in pixels of the frame. */
    List<ObjectState> projectedStates(EventRenderer renderer, VideoSpec spec, int size) {
        List<ObjectState> world = renderer.unitStates(spec, t -> progress(spec, t), 1);
        List<ObjectState> out = new ArrayList<>(world.size());
        for (int t = 0; t < world.size(); t++) {
            ObjectState s = world.get(t);
            out.add(new ObjectState(((s.cx() - camX[t]) * zoom[t] + 0.5) * size,
                    ((s.cy() - camY[t]) * zoom[t] + 0.5) * size, s.radius() * zoom[t] * size, s.angle(), s.opacity()));
        }
        return out;
    }

    /** Renders the video: background, distractors, the event's object, the occluder, flicker, noise. */
    RenderedVideo render(EventRenderer renderer, VideoSpec spec, boolean withObject) {
        int size = renderer.size();
        int canvasSide = (int) Math.round(CANVAS * size);
        byte[] canvas = spec.background().paint(canvasSide, new SplittableRandom(Seeds.mix(spec.seed(), 1)));
        List<ObjectState> states = renderer.unitStates(spec, t -> progress(spec, t), 1);
        int[] fill = new int[3];
        int[] outline = new int[3];
        if (!states.isEmpty()) {
            EventRenderer.objectColours(new SplittableRandom(Seeds.mix(spec.seed(), 4)), fill, outline);
        }
        int n = size * size;
        double margin = (CANVAS - 1) / 2;
        List<RgbFrame> out = new ArrayList<>(frames);
        List<byte[]> masks = new ArrayList<>(frames);
        double[] wx = new double[size];
        double[] wy = new double[size];
        for (int t = 0; t < frames; t++) {
            double tau = tau(t, frames);
            for (int i = 0; i < size; i++) {
                double u = (i + 0.5) / size - 0.5;
                wx[i] = camX[t] + u / zoom[t];
                wy[i] = camY[t] + u / zoom[t];
            }
            byte[] px = new byte[n * 3];
            for (int y = 0; y < size; y++) {
                double sway = swayAmp * Math.sin(2 * Math.PI * swayFreq * wy[y] + swayPhase + swayStep * t);
                for (int x = 0; x < size; x++) {
                    double cx = (wx[x] + sway + margin) / CANVAS * canvasSide - 0.5;
                    double cy = (wy[y] + margin) / CANVAS * canvasSide - 0.5;
                    sample(canvas, canvasSide, cx, cy, px, (y * size + x) * 3);
                }
            }
            for (Distractor d : distractors) {
                byte[] dm = new byte[n];
                if (rasterise(d.shape(), d.at(tau), wx, wy, dm)) {
                    renderer.paint(dm, 1, d.fill(), d.outline(), px);
                }
            }
            byte[] mask = new byte[n];
            if (!states.isEmpty()) {
                ObjectState s = states.get(t);
                if (s.opacity() > 0 && rasterise(spec.shape(), s, wx, wy, mask) && withObject) {
                    renderer.paint(mask, s.opacity(), fill, outline, px);
                }
            }
            if (occluder != null) {
                double pos = occluder.pos(states);
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        double across = ((occluder.vertical() ? wx[x] : wy[y]) - pos) / occluder.width();
                        if (Math.abs(across) <= 0.5) {
                            int i = y * size + x;
                            mask[i] = 0;
                            double shade = 1.15 - 0.6 * across * across; // a rounded pole
                            for (int c = 0; c < 3; c++) {
                                px[i * 3 + c] = (byte) (int) Math.max(0, Math.min(255, Math.round(occluder.colour()[c] * shade)));
                            }
                        }
                    }
                }
            }
            if (gain[t] != 1.0) {
                for (int i = 0; i < px.length; i++) {
                    px[i] = (byte) (int) Math.max(0, Math.min(255, Math.round((px[i] & 0xff) * gain[t])));
                }
            }
            EventRenderer.addNoise(px, new SplittableRandom(Seeds.mix(spec.seed(), 3, t)));
            out.add(new RgbFrame(size, size, px));
            masks.add(mask);
        }
        return new RenderedVideo(out, masks, states.isEmpty() ? states : projectedStates(renderer, spec, size));
    }

    /**
     * Sets mask pixels to 255 where the world point of the pixel centre lies inside the shape at
     * state s (world units); returns whether any pixel was set.
     */
    private static boolean rasterise(ObjectShape shape, ObjectState s, double[] wx, double[] wy, byte[] mask) {
        double cos = Math.cos(s.angle());
        double sin = Math.sin(s.angle());
        int size = wx.length;
        boolean any = false;
        for (int y = 0; y < size; y++) {
            double dy = (wy[y] - s.cy()) / s.radius();
            if (Math.abs(dy) > 1.0001) {
                continue;
            }
            for (int x = 0; x < size; x++) {
                double dx = (wx[x] - s.cx()) / s.radius();
                if (Math.abs(dx) > 1.0001) {
                    continue;
                }
                double u = dx * cos + dy * sin;
                double v = -dx * sin + dy * cos;
                if (shape.contains(u, v)) {
                    mask[y * size + x] = (byte) 255;
                    any = true;
                }
            }
        }
        return any;
    }

    /** Bilinear sample of the RGB canvas at pixel coordinates (x, y), clamped at the border. */
    private static void sample(byte[] canvas, int side, double x, double y, byte[] out, int at) {
        double cx = Math.max(0, Math.min(side - 1, x));
        double cy = Math.max(0, Math.min(side - 1, y));
        int x0 = Math.min(side - 2, (int) Math.floor(cx));
        int y0 = Math.min(side - 2, (int) Math.floor(cy));
        double fx = cx - x0;
        double fy = cy - y0;
        for (int c = 0; c < 3; c++) {
            double a = canvas[(y0 * side + x0) * 3 + c] & 0xff;
            double b = canvas[(y0 * side + x0 + 1) * 3 + c] & 0xff;
            double d = canvas[((y0 + 1) * side + x0) * 3 + c] & 0xff;
            double e = canvas[((y0 + 1) * side + x0 + 1) * 3 + c] & 0xff;
            double v = (a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy;
            out[at + c] = (byte) (int) Math.round(v);
        }
    }
}
