package org.ecrl4j.saliency;

/**
 * A binary per-pixel mask, row-major, values 0 or 1 ({@code values[y * width + x]}).
 */
public record Mask(int width, int height, byte[] values) {
    public Mask {
        if (width <= 0 || height <= 0 || values.length != width * height) {
            throw new IllegalArgumentException("Mask of " + width + "x" + height + " needs " + (width * height)
                    + " values, got " + values.length);
        }
    }

    /** Whether (x, y) is set. */
    public boolean get(int x, int y) {
        return values[y * width + x] != 0;
    }

    /** The number of set pixels. */
    public int count() {
        int n = 0;
        for (byte v : values) {
            n += v != 0 ? 1 : 0;
        }
        return n;
    }
}
