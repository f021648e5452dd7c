package org.ecrl4j.saliency;

/**
 * One frame's saliency, 0 (background) to 255 (most salient), row-major ({@code values[y * width +
 * x]}), the size of its frame.
 */
public record SaliencyMap(int width, int height, byte[] values) {
    public SaliencyMap {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("Map size must be positive, got " + width + "x" + height);
        }
        if (values.length != width * height) {
            throw new IllegalArgumentException("Map of " + width + "x" + height + " needs " + (width * height)
                    + " values, got " + values.length);
        }
    }

    /** Saliency 0-255 at (x, y). */
    public int get(int x, int y) {
        return values[y * width + x] & 0xff;
    }
}
