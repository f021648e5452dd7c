package org.ecrl4j.synth;

import java.util.Objects;

/**
 * Everything that decides one benchmark video: with the frame size and length, {@link
 * EventRenderer} turns it into frames and masks deterministically. The annotation CSV holds these
 * fields (label, background, shape, seed), so any video can be rendered again from its row.
 *
 * @param label the class; for a {@code bg-only} video, the class whose home background it shows
 * @param background the background family
 * @param shape the object's shape, or {@code null} when there is no object
 * @param seed the video's seed (colours, texture phase, object placement, noise)
 * @param motion whether the object plays the class's event, stands still, or is absent
 */
public record VideoSpec(EventClass label, Background background, ObjectShape shape, long seed, Motion motion) {
    /** What the object does. */
    public enum Motion {
        /** The object plays the event of the label. */
        EVENT,
        /** The object stands still: no event (bg-only). */
        STATIC,
        /** No object at all (bg-only). */
        NONE
    }

    /** The shape column's value when there is no object. */
    public static final String NO_SHAPE = "none";

    public VideoSpec {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(motion, "motion");
        if ((shape == null) != (motion == Motion.NONE)) {
            throw new IllegalArgumentException("A video has a shape exactly when it has an object: shape "
                    + shape + ", motion " + motion);
        }
    }

    /** A video in which the object plays the event. */
    public static VideoSpec event(EventClass label, Background background, ObjectShape shape, long seed) {
        return new VideoSpec(label, background, shape, seed, Motion.EVENT);
    }

    /** The shape column's value: the shape's label or {@value #NO_SHAPE}. */
    public String shapeLabel() {
        return shape == null ? NO_SHAPE : shape.label();
    }
}
