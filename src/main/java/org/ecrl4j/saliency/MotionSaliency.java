package org.ecrl4j.saliency;

import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_CLOSE;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_ELLIPSE;
import static org.bytedeco.opencv.global.opencv_imgproc.getStructuringElement;
import static org.bytedeco.opencv.global.opencv_imgproc.medianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.morphologyEx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.ecrl4j.video.Frames;
import org.ecrl4j.video.RgbFrame;

/**
 * Motion saliency by background subtraction over the clip: the background is the per-pixel,
 * per-channel median of the clip's frames, and a pixel's saliency grows with its largest channel
 * difference d from that background: 0 up to {@code noiseLevel}, 255 from {@code fullLevel},
 * linear between. A 3x3 median filter then removes isolated noisy pixels and a morphological
 * closing (elliptic, {@code closeSize}) fills small holes in the object.
 *
 * <p>Why the clip median and not OpenCV's MOG2: a clip has only T (8) frames, sampled far apart;
 * MOG2 learns its model frame by frame, so its first frames come out all foreground and its result
 * depends on the frame order, while the median uses every frame at once, is deterministic, and
 * has nothing to learn. On a static (even textured) background with a moving object it recovers the
 * background wherever the object covers a pixel in fewer than half of the frames. Its limits: an
 * object that does not move is invisible (the split then falls back to the whole frame), the parts
 * of an object that stay put in more than half of the frames (the core of a growing shape, a slow
 * slide) are missed, and a moving camera makes everything salient.
 *
 * @param noiseLevel differences up to this (0-255) are noise: saliency 0
 * @param fullLevel differences from this on give saliency 255; must exceed {@code noiseLevel}
 * @param closeSize size of the closing's structuring element in pixels (0 or 1 to skip)
 */
public record MotionSaliency(int noiseLevel, int fullLevel, int closeSize) implements SaliencyMethod {
    /** Noise up to 12 levels, saturated from 40, closing with a 5x5 ellipse. */
    public static final MotionSaliency DEFAULT = new MotionSaliency(12, 40, 5);

    public MotionSaliency {
        if (noiseLevel < 0 || fullLevel <= noiseLevel || fullLevel > 255) {
            throw new IllegalArgumentException("Motion saliency needs 0 <= noiseLevel < fullLevel <= 255, got "
                    + noiseLevel + " and " + fullLevel);
        }
        if (closeSize < 0) {
            throw new IllegalArgumentException("closeSize must be >= 0, got " + closeSize);
        }
    }

    @Override
    public String name() {
        return "motion";
    }

    @Override
    public List<SaliencyMap> compute(List<RgbFrame> frames, ClipSource source) {
        SaliencyMethod.checkClip(frames);
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        byte[] background = medianFrame(frames);
        List<SaliencyMap> out = new ArrayList<>(frames.size());
        double scale = 255.0 / (fullLevel - noiseLevel);
        for (RgbFrame f : frames) {
            byte[] px = f.pixels();
            byte[] s = new byte[w * h];
            for (int i = 0; i < s.length; i++) {
                int d = 0;
                for (int c = 0; c < 3; c++) {
                    d = Math.max(d, Math.abs((px[i * 3 + c] & 0xff) - (background[i * 3 + c] & 0xff)));
                }
                s[i] = (byte) Math.max(0, Math.min(255, (int) Math.round((d - noiseLevel) * scale)));
            }
            out.add(new SaliencyMap(w, h, clean(s, w, h)));
        }
        return out;
    }

    /** The per-pixel, per-channel median of the frames (mean of the two middle values for even T). */
    static byte[] medianFrame(List<RgbFrame> frames) {
        int t = frames.size();
        int n = frames.get(0).pixels().length;
        byte[] out = new byte[n];
        int[] v = new int[t];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < t; k++) {
                v[k] = frames.get(k).pixels()[i] & 0xff;
            }
            Arrays.sort(v);
            out[i] = (byte) (t % 2 == 1 ? v[t / 2] : (v[t / 2 - 1] + v[t / 2] + 1) / 2);
        }
        return out;
    }

    byte[] clean(byte[] s, int w, int h) {
        if (w < 3 || h < 3) {
            return s;
        }
        try (Mat m = Frames.grayToMat(s, w, h); Mat filtered = new Mat()) {
            medianBlur(m, filtered, 3);
            if (closeSize > 1) {
                try (Size k = new Size(closeSize, closeSize); Mat kernel = getStructuringElement(MORPH_ELLIPSE, k)) {
                    morphologyEx(filtered, filtered, MORPH_CLOSE, kernel);
                }
            }
            return Frames.grayFromMat(filtered);
        }
    }
}
