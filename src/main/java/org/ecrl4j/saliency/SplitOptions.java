package org.ecrl4j.saliency;

/**
 * Parameters of the foreground/background split (MODEL.md section 1.3).
 *
 * @param backgroundThreshold pixels with saliency >= this are zeroed in the background frame C
 *     (reference: 200)
 * @param foregroundThreshold the foreground box holds the pixels with saliency >= this (reference:
 *     10); they also form the foreground mask
 * @param crop per-frame boxes (the reference) or one box for the clip
 * @param foregroundMask whether pixels inside the box with saliency below the foreground threshold
 *     are zeroed in S
 * @param fallbackBorder when nothing is salient, S is the frame less a border of this many pixels
 *     (reference: 2)
 */
public record SplitOptions(int backgroundThreshold, int foregroundThreshold, CropMode crop, boolean foregroundMask,
        int fallbackBorder) {
    /** The paper's split: thresholds 200 and 10, per-frame crop, no mask, 2-pixel fallback border. */
    public static final SplitOptions PAPER = new SplitOptions(200, 10, CropMode.FRAME, false, 2);
    /** The project's default ({@code ecrl-plus}): clip box, foreground mask on. */
    public static final SplitOptions PLUS = new SplitOptions(200, 10, CropMode.CLIP, true, 2);

    public SplitOptions {
        if (backgroundThreshold < 0 || backgroundThreshold > 255) {
            throw new IllegalArgumentException("backgroundThreshold must be 0-255, got " + backgroundThreshold);
        }
        if (foregroundThreshold < 1 || foregroundThreshold > 255) {
            throw new IllegalArgumentException("foregroundThreshold must be 1-255, got " + foregroundThreshold);
        }
        if (crop == null) {
            throw new IllegalArgumentException("crop mode is required (frame or clip)");
        }
        if (fallbackBorder < 0) {
            throw new IllegalArgumentException("fallbackBorder must be >= 0, got " + fallbackBorder);
        }
    }

    /** A copy with other crop and mask options. */
    public SplitOptions with(CropMode newCrop, boolean newMask) {
        return new SplitOptions(backgroundThreshold, foregroundThreshold, newCrop, newMask, fallbackBorder);
    }
}
