package org.ecrl4j.nn;

/**
 * The sizes a head is built for: T frames, feature width d, L classes.
 */
public record HeadShape(int frames, int width, int classes) {
    public HeadShape {
        if (frames < 1) {
            throw new IllegalArgumentException("frames (T) must be >= 1, got " + frames);
        }
        if (width < 1) {
            throw new IllegalArgumentException("feature width (d) must be >= 1, got " + width);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes (L) must be >= 2, got " + classes);
        }
    }
}
