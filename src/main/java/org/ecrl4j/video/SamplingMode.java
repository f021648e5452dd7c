package org.ecrl4j.video;

import java.util.Locale;

/** How the T frames of a clip are chosen among a video's frames (MODEL.md section 1.1). */
public enum SamplingMode {
    /** T equal segments; training: a random frame of each; evaluation: each segment's centre. */
    SEGMENT,
    /** T frames evenly spaced from the first frame to the last, the same in training and evaluation. */
    UNIFORM,
    /** Explicit positions on a grid of G evenly spaced frames (the reference: 0,4,...,24,29 of 30). */
    FIXED;

    /** Parses {@code segment}, {@code uniform} or {@code fixed} (any case). */
    public static SamplingMode parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown sampling mode '" + name + "': use segment, uniform or fixed", e);
        }
    }
}
