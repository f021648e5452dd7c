package org.ecrl4j.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ecrl4j.video.RgbFrame;

/**
 * Renders a {@link VideoSpec} into frames and exact object masks. Deterministic: the output depends
 * only on the spec, the frame size and the number of frames.
 *
 * <p>The picture is a static background (one {@link Background} family) with one object (an {@link
 * ObjectShape} in a random saturated colour with a dark one-pixel outline) playing the event, and
 * per-frame noise of at most {@value #NOISE} levels per channel on every pixel. Objects are drawn
 * without anti-aliasing (a pixel belongs to the object when its centre is inside the shape), so the
 * mask is exactly the set of pixels the object paints. Motion magnitudes, as fractions of the frame
 * side: radius {@value #RADIUS_MIN} to {@value #RADIUS_MAX}; a slide or rise travels at least
 * {@value #MIN_TRAVEL} with the whole object in the frame; grow/shrink spans radius {@value
 * #GROW_FROM} to {@value #GROW_TO}; a rotation turns 180 to 270 degrees; a fade runs the opacity
 * from 0 to 1. All changes are linear in the frame index.
 *
 * <p>The random draws from the seed do not depend on the direction of the event, so the two members
 * of a pair with one seed render the same scene, and frame {@code t} of one equals frame {@code T-1-t}
 * of the other except for the noise.
 */
public final class EventRenderer {
    /** Smallest object radius, as a fraction of the frame side. */
    public static final double RADIUS_MIN = 0.14;
    /** Largest object radius, as a fraction of the frame side. */
    public static final double RADIUS_MAX = 0.18;
    /** Radius at the small end of grow/shrink. */
    public static final double GROW_FROM = 0.08;
    /** Radius at the large end of grow/shrink. */
    public static final double GROW_TO = 0.39;
    /** Least distance a slide or rise travels over the clip. */
    public static final double MIN_TRAVEL = 0.5;
    /** Least rotation over the clip, in degrees. */
    public static final double MIN_SWEEP_DEGREES = 180;
    /** Largest rotation over the clip, in degrees. */
    public static final double MAX_SWEEP_DEGREES = 270;
    /** The per-frame noise: each channel of each pixel moves by a uniform integer in [-NOISE, NOISE]. */
    public static final int NOISE = 3;

    private static final double MARGIN = 0.01;

    private final int size;
    private final int frames;
    private final Hardness hardness;

    /** A renderer of the default preset for square frames of {@code size} pixels and clips of {@code frames} frames. */
    public EventRenderer(int size, int frames) {
        this(size, frames, Hardness.NONE);
    }

    /**
     * A renderer that adds what {@code hardness} switches on ({@link HardScene}); with {@link
     * Hardness#NONE} it renders the default preset.
     */
    public EventRenderer(int size, int frames, Hardness hardness) {
        this.hardness = java.util.Objects.requireNonNull(hardness, "hardness");
        if (size < 8) {
            throw new IllegalArgumentException("size must be at least 8 pixels, got " + size);
        }
        if (frames < 2) {
            throw new IllegalArgumentException("frames must be at least 2, got " + frames);
        }
        this.size = size;
        this.frames = frames;
    }

    /** The frame side in pixels. */
    public int size() {
        return size;
    }

    /** The number of frames per clip. */
    public int frames() {
        return frames;
    }

    /** What the hard preset adds ({@link Hardness#NONE}: the default preset). */
    public Hardness hardness() {
        return hardness;
    }

    /** Renders the video. */
    public RenderedVideo render(VideoSpec spec) {
        return render(spec, true);
    }

    /**
     * Renders the video without its object: the same background and the same noise, so a pixel
     * differs from {@link #render} exactly where the object is drawn.
     */
    public RenderedVideo renderBackgroundOnly(VideoSpec spec) {
        return render(spec, false);
    }

    /**
     * The object's state in every frame, in pixels of the frame; empty when the spec has no object.
     * With camera motion, the state seen through the camera (centre and radius moved and scaled by
     * it).
     */
    public List<ObjectState> states(VideoSpec spec) {
        if (hardness.none()) {
            return unitStates(spec, t -> spec.label().progress(t, frames), size);
        }
        return HardScene.of(spec, hardness, frames).projectedStates(this, spec, size);
    }

    /**
     * The object's states with the given progress per frame, in units of {@code scale} (the frame
     * side in pixels; 1 for the unit square of the hard preset's world).
     */
    List<ObjectState> unitStates(VideoSpec spec, java.util.function.IntToDoubleFunction progress, double scale) {
        List<ObjectState> out = new ArrayList<>(frames);
        if (spec.motion() == VideoSpec.Motion.NONE) {
            return out;
        }
        ObjectDraw d = new ObjectDraw(new SplittableRandom(Seeds.mix(spec.seed(), 2)));
        EventClass.Kind kind = spec.motion() == VideoSpec.Motion.EVENT ? spec.label().kind() : null;
        double span = 1 - 2 * (d.radius + MARGIN);
        // A free position that keeps the whole object in the frame (rotate, fade, static).
        double freeX = d.radius + MARGIN + span * d.u1;
        double freeY = d.radius + MARGIN + span * d.u2;
        double travel = MIN_TRAVEL + (span - MIN_TRAVEL) * d.u1;
        double from = d.radius + MARGIN + (span - travel) * d.u2;
        double across = d.radius + MARGIN + span * d.u3;
        for (int t = 0; t < frames; t++) {
            double p = spec.motion() == VideoSpec.Motion.EVENT ? progress.applyAsDouble(t) : 0;
            double cx = freeX, cy = freeY, r = d.radius, angle = d.angle, opacity = 1;
            if (kind == EventClass.Kind.SLIDE) {
                cx = from + travel * p;
                cy = across;
            } else if (kind == EventClass.Kind.RISE) {
                cx = across;
                cy = from + travel * (1 - p);
            } else if (kind == EventClass.Kind.GROW) {
                cx = 0.4 + 0.2 * d.u1;
                cy = 0.4 + 0.2 * d.u2;
                r = GROW_FROM + (GROW_TO - GROW_FROM) * p;
            } else if (kind == EventClass.Kind.ROTATE) {
                angle = d.angle + d.sweep * p;
            } else if (kind == EventClass.Kind.FADE) {
                opacity = p;
            }
            out.add(new ObjectState(cx * scale, cy * scale, r * scale, angle, opacity));
        }
        return out;
    }

    private RenderedVideo render(VideoSpec spec, boolean withObject) {
        if (!hardness.none()) {
            return HardScene.of(spec, hardness, frames).render(this, spec, withObject);
        }
        byte[] background = spec.background().paint(size, new SplittableRandom(Seeds.mix(spec.seed(), 1)));
        List<ObjectState> states = states(spec);
        int[] fill = new int[3];
        int[] outline = new int[3];
        if (!states.isEmpty()) {
            objectColours(new SplittableRandom(Seeds.mix(spec.seed(), 4)), fill, outline);
        }
        List<RgbFrame> out = new ArrayList<>(frames);
        List<byte[]> masks = new ArrayList<>(frames);
        for (int t = 0; t < frames; t++) {
            byte[] px = background.clone();
            byte[] mask = new byte[size * size];
            if (!states.isEmpty()) {
                ObjectState s = states.get(t);
                if (s.opacity() > 0) {
                    rasterise(spec.shape(), s, mask);
                    if (withObject) {
                        paint(mask, s.opacity(), fill, outline, px);
                    }
                }
            }
            addNoise(px, new SplittableRandom(Seeds.mix(spec.seed(), 3, t)));
            out.add(new RgbFrame(size, size, px));
            masks.add(mask);
        }
        return new RenderedVideo(out, masks, states);
    }

    /** Sets mask pixels to 255 where the pixel centre lies inside the shape at state s. */
    void rasterise(ObjectShape shape, ObjectState s, byte[] mask) {
        double cos = Math.cos(s.angle());
        double sin = Math.sin(s.angle());
        int x0 = Math.max(0, (int) Math.floor(s.cx() - s.radius()) - 1);
        int x1 = Math.min(size - 1, (int) Math.ceil(s.cx() + s.radius()) + 1);
        int y0 = Math.max(0, (int) Math.floor(s.cy() - s.radius()) - 1);
        int y1 = Math.min(size - 1, (int) Math.ceil(s.cy() + s.radius()) + 1);
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double dx = (x + 0.5 - s.cx()) / s.radius();
                double dy = (y + 0.5 - s.cy()) / s.radius();
                // Into the object's own frame: rotate by -angle.
                double u = dx * cos + dy * sin;
                double v = -dx * sin + dy * cos;
                if (shape.contains(u, v)) {
                    mask[y * size + x] = (byte) 255;
                }
            }
        }
    }

    /** Paints the object: outline on mask pixels with a 4-neighbour outside the mask, fill inside. */
    void paint(byte[] mask, double opacity, int[] fill, int[] outline, byte[] px) {
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                if (mask[i] == 0) {
                    continue;
                }
                boolean edge = x == 0 || y == 0 || x == size - 1 || y == size - 1
                        || mask[i - 1] == 0 || mask[i + 1] == 0 || mask[i - size] == 0 || mask[i + size] == 0;
                int[] colour = edge ? outline : fill;
                for (int c = 0; c < 3; c++) {
                    int bg = px[i * 3 + c] & 0xff;
                    px[i * 3 + c] = (byte) (int) Math.round(bg + (colour[c] - bg) * opacity);
                }
            }
        }
    }

    static void addNoise(byte[] px, SplittableRandom rng) {
        for (int i = 0; i < px.length; i++) {
            int v = (px[i] & 0xff) + rng.nextInt(2 * NOISE + 1) - NOISE;
            px[i] = (byte) Math.max(0, Math.min(255, v));
        }
    }

    /** A random saturated fill (HSV: any hue, saturation 0.75-1, value 0.8-1) and its dark outline. */
    static void objectColours(SplittableRandom rng, int[] fill, int[] outline) {
        double h = rng.nextDouble() * 6;
        double s = 0.75 + 0.25 * rng.nextDouble();
        double v = 0.8 + 0.2 * rng.nextDouble();
        int sector = (int) h;
        double f = h - sector;
        double p = v * (1 - s), q = v * (1 - s * f), w = v * (1 - s * (1 - f));
        double[][] rgb = {{v, w, p}, {q, v, p}, {p, v, w}, {p, q, v}, {w, p, v}, {v, p, q}};
        for (int c = 0; c < 3; c++) {
            fill[c] = (int) Math.round(255 * rgb[sector % 6][c]);
            outline[c] = (int) Math.round(fill[c] * 0.22);
        }
    }

    /** The object draws of one video, in a fixed order that does not depend on the class. */
    private static final class ObjectDraw {
        final double radius, angle, sweep, u1, u2, u3;

        ObjectDraw(SplittableRandom rng) {
            radius = RADIUS_MIN + (RADIUS_MAX - RADIUS_MIN) * rng.nextDouble();
            angle = rng.nextDouble() * 2 * Math.PI;
            sweep = Math.toRadians(MIN_SWEEP_DEGREES + (MAX_SWEEP_DEGREES - MIN_SWEEP_DEGREES) * rng.nextDouble());
            u1 = rng.nextDouble();
            u2 = rng.nextDouble();
            u3 = rng.nextDouble();
        }
    }
}
