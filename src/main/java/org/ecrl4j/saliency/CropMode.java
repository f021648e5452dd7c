package org.ecrl4j.saliency;

import java.util.Locale;

/** Which box the foreground crop of MODEL.md section 1.3 uses. */
public enum CropMode {
    /** Each frame is cropped to its own box (the reference). Erases translation and scale events. */
    FRAME,
    /** Every frame is cropped to the union of the clip's boxes, so motion inside the box is kept. */
    CLIP;

    /** Parses {@code frame} or {@code clip} (any case). */
    public static CropMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown crop mode '" + s + "': use frame or clip", e);
        }
    }
}
