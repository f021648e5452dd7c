package org.ecrl4j.saliency;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ecrl4j.video.RgbFrame;

/** Synthetic frames with a known object: a red square with a dark outline on a chosen background. */
final class SyntheticClips {
    static final int SIZE = 112;
    static final int OBJECT = 24;

    private SyntheticClips() {}

    /** A flat grey background. */
    static RgbFrame plain() {
        byte[] px = new byte[SIZE * SIZE * 3];
        java.util.Arrays.fill(px, (byte) 128);
        return new RgbFrame(SIZE, SIZE, px);
    }

    /** A periodic texture: a diagonal grating of green and sand colours (period 8 pixels). */
    static RgbFrame textured() {
        byte[] px = new byte[SIZE * SIZE * 3];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double s = 0.5 + 0.5 * Math.sin(2 * Math.PI * (x + y) / 8.0);
                int i = (y * SIZE + x) * 3;
                px[i] = (byte) (90 + 60 * s);
                px[i + 1] = (byte) (120 + 50 * s);
                px[i + 2] = (byte) (60 + 40 * s);
            }
        }
        return new RgbFrame(SIZE, SIZE, px);
    }

    /** The background with the object's top-left corner at (ox, oy), plus noise of +-noise levels. */
    static RgbFrame withObject(RgbFrame background, int ox, int oy, int noise, long seed) {
        byte[] px = background.pixels().clone();
        SplittableRandom rng = new SplittableRandom(seed);
        if (noise > 0) {
            for (int i = 0; i < px.length; i++) {
                px[i] = (byte) Math.max(0, Math.min(255, (px[i] & 0xff) + rng.nextInt(2 * noise + 1) - noise));
            }
        }
        for (int y = oy; y < oy + OBJECT; y++) {
            for (int x = ox; x < ox + OBJECT; x++) {
                boolean outline = x < ox + 2 || y < oy + 2 || x >= ox + OBJECT - 2 || y >= oy + OBJECT - 2;
                int i = (y * SIZE + x) * 3;
                px[i] = (byte) (outline ? 20 : 230);
                px[i + 1] = (byte) (outline ? 20 : 30);
                px[i + 2] = (byte) (outline ? 20 : 40);
            }
        }
        return new RgbFrame(SIZE, SIZE, px);
    }

    /** T frames of the object sliding from left to right along row {@code oy}. */
    static List<RgbFrame> slide(RgbFrame background, int t, int oy, int noise) {
        List<RgbFrame> out = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            out.add(withObject(background, objectX(i, t), oy, noise, i));
        }
        return out;
    }

    /** The object's left edge in frame i of a slide of T frames: from 4 to SIZE - OBJECT - 4. */
    static int objectX(int i, int t) {
        return 4 + (int) Math.round((double) i * (SIZE - OBJECT - 8) / (t - 1));
    }
}
