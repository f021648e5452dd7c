package org.ecrl4j.video;

import java.util.Arrays;

/**
 * One decoded or rendered frame: 8-bit RGB, interleaved, row-major ({@code pixels[(y * width + x)
 * * 3 + c]}, c = 0 red, 1 green, 2 blue). The array is owned by the frame; copy before mutating a
 * frame that others hold. This is the type shared by decoding, saliency, the benchmark generator
 * and the transforms.
 */
public record RgbFrame(int width, int height, byte[] pixels) {
    public RgbFrame {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("Frame size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != width * height * 3) {
            throw new IllegalArgumentException("Frame of " + width + "x" + height + " needs "
                    + (width * height * 3) + " bytes, got " + pixels.length);
        }
    }

    /** A black frame. */
    public static RgbFrame black(int width, int height) {
        return new RgbFrame(width, height, new byte[width * height * 3]);
    }

    /** Channel value 0-255 at (x, y). */
    public int get(int x, int y, int channel) {
        return pixels[(y * width + x) * 3 + channel] & 0xff;
    }

    /** A deep copy. */
    public RgbFrame copy() {
        return new RgbFrame(width, height, Arrays.copyOf(pixels, pixels.length));
    }
}
