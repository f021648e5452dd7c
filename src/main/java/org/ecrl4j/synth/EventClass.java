package org.ecrl4j.synth;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The event classes of the benchmark, in their index order (the order of {@code classes.txt}).
 * They come in time-reversed pairs: the two members of a pair differ only in the direction of time,
 * so no single frame tells them apart. {@code --classes N} takes the first N (whole pairs).
 *
 * <p>Each class is a {@link Kind} played forwards or backwards. The forward member runs the kind's
 * parameter from its start value to its end value; the reversed member renders frame {@code t} as
 * the forward member renders frame {@code T-1-t}, bit for bit, so reversing a video of one gives the
 * other up to the per-frame noise.
 */
public enum EventClass {
    SLIDE_LEFT("slide-left", Kind.SLIDE, true),
    SLIDE_RIGHT("slide-right", Kind.SLIDE, false),
    RISE("rise", Kind.RISE, false),
    FALL("fall", Kind.RISE, true),
    GROW("grow", Kind.GROW, false),
    SHRINK("shrink", Kind.GROW, true),
    ROTATE_CW("rotate-cw", Kind.ROTATE, false),
    ROTATE_CCW("rotate-ccw", Kind.ROTATE, true),
    FADE_IN("fade-in", Kind.FADE, false),
    FADE_OUT("fade-out", Kind.FADE, true);

    /**
     * What changes over the clip. Forward direction: SLIDE moves right (x grows), RISE moves up (y
     * shrinks, image rows grow downwards), GROW grows the radius, ROTATE turns clockwise on screen,
     * FADE raises the opacity.
     */
    public enum Kind { SLIDE, RISE, GROW, ROTATE, FADE }

    /** The largest number of classes. */
    public static final int MAX_CLASSES = values().length;

    private final String label;
    private final Kind kind;
    private final boolean reversed;

    EventClass(String label, Kind kind, boolean reversed) {
        this.label = label;
        this.kind = kind;
        this.reversed = reversed;
    }

    /** The class name written in the annotations and {@code classes.txt}. */
    public String label() {
        return label;
    }

    /** What changes. */
    public Kind kind() {
        return kind;
    }

    /** True for the member of the pair that plays its kind backwards. */
    public boolean reversed() {
        return reversed;
    }

    /** The pair index (0 for slide, 1 for rise/fall, ...). */
    public int pair() {
        return ordinal() / 2;
    }

    /** The other member of this class's time-reversed pair. */
    public EventClass partner() {
        return values()[ordinal() ^ 1];
    }

    /**
     * The progress of the event at frame {@code t} of {@code frames}, from 0 to 1. The reversed
     * member computes it from {@code frames-1-t} with the same arithmetic, so the two members give
     * bit-identical states for mirrored frames.
     */
    public double progress(int t, int frames) {
        int step = reversed ? frames - 1 - t : t;
        return (double) step / (frames - 1);
    }

    /** The first {@code count} classes; {@code count} must be even (whole pairs), 2 to 10. */
    public static List<EventClass> first(int count) {
        if (count < 2 || count > MAX_CLASSES || count % 2 != 0) {
            throw new IllegalArgumentException("classes must be an even number from 2 to " + MAX_CLASSES
                    + " (whole time-reversed pairs), got " + count);
        }
        return List.copyOf(Arrays.asList(values()).subList(0, count));
    }

    /** The class with this label. */
    public static EventClass ofLabel(String label) {
        for (EventClass c : values()) {
            if (c.label.equals(label.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("Unknown event class '" + label + "'; known: "
                + Arrays.stream(values()).map(EventClass::label).toList());
    }
}
