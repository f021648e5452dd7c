package org.ecrl4j.video;

import java.util.SplittableRandom;

/**
 * Where a clip is cropped: one box, in the pixels of the frames it is applied to, shared by every
 * frame of the clip. It decides which window is used; resizing the window to the model's input is
 * done by {@link Frames#resize} (training) or {@link ClipTransform} (evaluation views).
 *
 * <ul>
 *   <li>{@link #view}: spatial view k of n for multi-view testing (PySlowFast's {@code uniform_crop}):
 *       along the longer side, from the first edge (left or top) to the last (right or bottom), the
 *       other side centred; one view is the centre crop.
 *   <li>{@link #randomResized}: the training crop (torchvision's {@code RandomResizedCrop} over the
 *       largest centred square): area a uniform in [minArea, 1] of that square, aspect ratio r
 *       log-uniform in [3/4, 4/3], position uniform.
 * </ul>
 *
 * @param x left column
 * @param y top row
 * @param width width in pixels, >= 1
 * @param height height in pixels, >= 1
 */
public record CropWindow(int x, int y, int width, int height) {
    /** The aspect ratios of {@link #randomResized} lie in [1/MAX_ASPECT, MAX_ASPECT] (torchvision's 3/4 to 4/3). */
    public static final double MAX_ASPECT = 4.0 / 3.0;

    public CropWindow {
        if (x < 0 || y < 0 || width < 1 || height < 1) {
            throw new IllegalArgumentException("A crop window needs x, y >= 0 and a positive size, got " + width + "x"
                    + height + " at (" + x + "," + y + ")");
        }
    }

    /**
     * Spatial view {@code index} of {@code count}: a {@code cropWidth x cropHeight} box (each at most
     * the frame's side) at offset floor(index (L - l) / (count - 1)) along the longer side L (the
     * width when the frame is square), centred on the other side. One view: the centre crop.
     */
    public static CropWindow view(int frameWidth, int frameHeight, int cropWidth, int cropHeight, int index,
            int count) {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("Spatial view " + index + " of " + count + " does not exist");
        }
        int w = Math.min(cropWidth, frameWidth);
        int h = Math.min(cropHeight, frameHeight);
        int x = (frameWidth - w) / 2;
        int y = (frameHeight - h) / 2;
        if (count > 1) {
            if (frameWidth >= frameHeight) {
                x = (int) ((long) index * (frameWidth - w) / (count - 1));
            } else {
                y = (int) ((long) index * (frameHeight - h) / (count - 1));
            }
        }
        return new CropWindow(x, y, w, h);
    }

    /**
     * The training crop of a {@code frameWidth x frameHeight} frame: with s the shorter side, a box of
     * area a s^2 (a uniform in [minArea, 1]) and aspect ratio r (log-uniform in [3/4, 4/3]), each side
     * at most the frame's, at a uniform position. Draws four numbers from {@code rng}.
     *
     * @param minArea the smallest area, as a fraction of the largest square, in (0, 1]
     */
    public static CropWindow randomResized(int frameWidth, int frameHeight, double minArea, SplittableRandom rng) {
        if (!(minArea > 0 && minArea <= 1)) {
            throw new IllegalArgumentException("The smallest crop area must be in (0, 1], got " + minArea);
        }
        int s = Math.min(frameWidth, frameHeight);
        double area = (minArea + rng.nextDouble() * (1 - minArea)) * s * s;
        double r = Math.exp((2 * rng.nextDouble() - 1) * Math.log(MAX_ASPECT));
        int w = (int) Math.max(1, Math.min(frameWidth, Math.round(Math.sqrt(area * r))));
        int h = (int) Math.max(1, Math.min(frameHeight, Math.round(Math.sqrt(area / r))));
        return new CropWindow(rng.nextInt(frameWidth - w + 1), rng.nextInt(frameHeight - h + 1), w, h);
    }

    /** Whether the window lies inside a {@code frameWidth x frameHeight} frame. */
    public boolean fits(int frameWidth, int frameHeight) {
        return x + width <= frameWidth && y + height <= frameHeight;
    }

    /** The window of {@code f}, resized to {@code outWidth x outHeight} ({@link Frames#resize}). */
    public RgbFrame apply(RgbFrame f, int outWidth, int outHeight) {
        return Frames.resize(Frames.crop(f, x, y, width, height), outWidth, outHeight);
    }

    /**
     * The window of a one-channel {@code w x h} image (a saliency map), resized bilinearly to
     * {@code outWidth x outHeight} ({@link Frames#resizeGray}).
     */
    public byte[] applyGray(byte[] values, int w, int h, int outWidth, int outHeight) {
        if (!fits(w, h) || values.length != w * h) {
            throw new IllegalArgumentException("Crop " + this + " outside a " + w + "x" + h + " image");
        }
        byte[] out = new byte[width * height];
        for (int row = 0; row < height; row++) {
            System.arraycopy(values, (y + row) * w + x, out, row * width, width);
        }
        return Frames.resizeGray(out, width, height, outWidth, outHeight);
    }
}
