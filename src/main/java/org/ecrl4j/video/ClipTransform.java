package org.ecrl4j.video;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The geometric and photometric transforms from decoded frames to the model's input: resize so the
 * shorter side is {@code resizeShorter}, crop {@code cropHeight x cropWidth} (centre in evaluation;
 * random in training, one box for the whole clip), mirror the whole clip with probability
 * {@code flipProbability} in training, then normalise with MODEL.md section 1.4's mean and std to a
 * (3, T, H, W) tensor. Resizing follows torchvision ({@link Frames#resizeAntialiased}: antialiased
 * bilinear, the longer side truncated), so that clips match PyAV + torchvision's (tools/parity/).
 *
 * @param resizeShorter target length of the shorter side before cropping (pixels)
 * @param cropWidth W of the output
 * @param cropHeight H of the output
 * @param flipProbability probability of a horizontal flip in training (0 to disable)
 */
public record ClipTransform(int resizeShorter, int cropWidth, int cropHeight, double flipProbability) {
    /** Mean of the RGB channels on [0, 1] (MODEL.md section 1.4, reference). */
    public static final float[] MEAN = {0.486f, 0.457f, 0.407f};
    /** Standard deviation of the RGB channels on [0, 1] (MODEL.md section 1.4, reference). */
    public static final float[] STD = {0.229f, 0.224f, 0.225f};

    public ClipTransform {
        if (resizeShorter <= 0 || cropWidth <= 0 || cropHeight <= 0) {
            throw new IllegalArgumentException("Resize and crop sizes must be positive, got resize " + resizeShorter
                    + ", crop " + cropWidth + "x" + cropHeight);
        }
        if (!(flipProbability >= 0 && flipProbability <= 1)) {
            throw new IllegalArgumentException("flipProbability must be in [0, 1], got " + flipProbability);
        }
    }

    /** Resize the shorter side to {@code size}, crop {@code size x size}, flip with probability 0.5. */
    public static ClipTransform square(int size) {
        return new ClipTransform(size, size, size, 0.5);
    }

    /**
     * Resize, crop and (in training) flip every frame of a clip the same way.
     *
     * @param seed fixes the crop position and the flip in training
     */
    public List<RgbFrame> frames(List<RgbFrame> clip, boolean training, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<RgbFrame> resized = resizeShorterSide(clip, resizeShorter);
        RgbFrame first = resized.get(0);
        int w = Math.min(cropWidth, first.width());
        int h = Math.min(cropHeight, first.height());
        List<RgbFrame> cropped = training ? randomCrop(resized, w, h, rng) : centreCrop(resized, w, h);
        if (w != cropWidth || h != cropHeight) {
            List<RgbFrame> fitted = new ArrayList<>(cropped.size());
            for (RgbFrame f : cropped) {
                fitted.add(Frames.resizeAntialiased(f, cropWidth, cropHeight));
            }
            cropped = fitted;
        }
        if (training && flipProbability > 0 && rng.nextDouble() < flipProbability) {
            return flipHorizontal(cropped);
        }
        return cropped;
    }

    /**
     * The evaluation frames of spatial view {@code crop} of {@code crops} (multi-view testing): as
     * {@link #frames} in evaluation, with the crop window at {@link CropWindow#view} instead of the
     * centre; one view gives the same frames as {@code frames(clip, false, seed)}.
     */
    public List<RgbFrame> viewFrames(List<RgbFrame> clip, int crop, int crops) {
        List<RgbFrame> resized = resizeShorterSide(clip, resizeShorter);
        RgbFrame first = resized.get(0);
        CropWindow window = CropWindow.view(first.width(), first.height(), cropWidth, cropHeight, crop, crops);
        List<RgbFrame> out = new ArrayList<>(resized.size());
        for (RgbFrame f : resized) {
            out.add(window.apply(f, cropWidth, cropHeight));
        }
        return out;
    }

    /** {@link #frames} then {@link #normalise}. */
    public ClipTensor apply(List<RgbFrame> clip, boolean training, long seed) {
        return normalise(frames(clip, training, seed));
    }

    /** Resizes every frame so that its shorter side is {@code size}, keeping the aspect ratio. */
    public static List<RgbFrame> resizeShorterSide(List<RgbFrame> clip, int size) {
        List<RgbFrame> out = new ArrayList<>(clip.size());
        for (RgbFrame f : clip) {
            int w;
            int h;
            // torchvision's rule (transforms.Resize with one size): the longer side is truncated,
            // int(size * long / short), so that ecrl4j and torchvision crop the same pixels.
            if (f.width() <= f.height()) {
                w = size;
                h = Math.max(1, (int) ((long) f.height() * size / f.width()));
            } else {
                h = size;
                w = Math.max(1, (int) ((long) f.width() * size / f.height()));
            }
            out.add(Frames.resizeAntialiased(f, w, h));
        }
        return out;
    }

    /**
     * The centred {@code w x h} box of every frame; the offset (W - w) / 2 is rounded half to even,
     * as torchvision's CenterCrop does ({@code int(round((W - w) / 2.0))}).
     */
    public static List<RgbFrame> centreCrop(List<RgbFrame> clip, int w, int h) {
        List<RgbFrame> out = new ArrayList<>(clip.size());
        for (RgbFrame f : clip) {
            out.add(Frames.crop(f, (int) Math.rint((f.width() - w) / 2.0), (int) Math.rint((f.height() - h) / 2.0), w, h));
        }
        return out;
    }

    /** One random {@code w x h} box, the same for every frame of the clip. */
    public static List<RgbFrame> randomCrop(List<RgbFrame> clip, int w, int h, SplittableRandom rng) {
        RgbFrame first = clip.get(0);
        int x = rng.nextInt(first.width() - w + 1);
        int y = rng.nextInt(first.height() - h + 1);
        List<RgbFrame> out = new ArrayList<>(clip.size());
        for (RgbFrame f : clip) {
            out.add(Frames.crop(f, x, y, w, h));
        }
        return out;
    }

    /** Every frame mirrored. */
    public static List<RgbFrame> flipHorizontal(List<RgbFrame> clip) {
        List<RgbFrame> out = new ArrayList<>(clip.size());
        for (RgbFrame f : clip) {
            out.add(Frames.flipHorizontal(f));
        }
        return out;
    }

    /**
     * Frames of one size to a (3, T, H, W) tensor: value / 255, minus {@link #MEAN}, divided by
     * {@link #STD}, per channel.
     */
    public static ClipTensor normalise(List<RgbFrame> clip) {
        return normalise(clip, Normalisation.REFERENCE);
    }

    /**
     * Frames of one size to a (3, T, H, W) tensor: value / 255, minus the mean, divided by the std,
     * per channel.
     */
    public static ClipTensor normalise(List<RgbFrame> clip, Normalisation norm) {
        float[] mean = norm.mean();
        float[] std = norm.std();
        int t = clip.size();
        int w = clip.get(0).width();
        int h = clip.get(0).height();
        int plane = w * h;
        float[] data = new float[3 * t * plane];
        for (int f = 0; f < t; f++) {
            RgbFrame frame = clip.get(f);
            if (frame.width() != w || frame.height() != h) {
                throw new IllegalArgumentException("Frame " + f + " is " + frame.width() + "x" + frame.height()
                        + " but frame 0 is " + w + "x" + h + "; resize the clip first");
            }
            byte[] px = frame.pixels();
            for (int c = 0; c < 3; c++) {
                float scale = 1f / (255f * std[c]);
                float shift = mean[c] / std[c];
                int base = (c * t + f) * plane;
                for (int i = 0; i < plane; i++) {
                    data[base + i] = (px[i * 3 + c] & 0xff) * scale - shift;
                }
            }
        }
        return new ClipTensor(data, 3, t, h, w);
    }
}
