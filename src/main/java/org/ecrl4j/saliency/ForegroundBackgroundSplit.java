package org.ecrl4j.saliency;

import java.util.ArrayList;
import java.util.List;
import org.ecrl4j.video.Frames;
import org.ecrl4j.video.RgbFrame;

/**
 * The foreground/background split of MODEL.md section 1.3, given a clip V and its saliency maps:
 *
 * <ul>
 *   <li>background C_t = V_t with every pixel of saliency >= {@code backgroundThreshold} set to zero
 *       (reference);
 *   <li>foreground S_t = V_t cropped to the bounding box of the pixels of saliency >=
 *       {@code foregroundThreshold}, resized back to V's size (OpenCV); with {@link CropMode#CLIP} the
 *       box is the union of the clip's boxes; with the foreground mask on, pixels inside the box
 *       below the foreground threshold are zeroed first. When no pixel is salient (in the frame, or
 *       for {@code CLIP} in the whole clip) the box is the frame less a border of
 *       {@code fallbackBorder} pixels and no mask is applied (reference);
 *   <li>the foreground mask M_t = saliency >= {@code foregroundThreshold}, for the background swap.
 * </ul>
 */
public final class ForegroundBackgroundSplit {
    private final SplitOptions options;

    /** A split with the given thresholds and options. */
    public ForegroundBackgroundSplit(SplitOptions options) {
        this.options = options;
    }

    /** The options. */
    public SplitOptions options() {
        return options;
    }

    /** Computes the saliency of {@code frames} with {@code method}, then splits. */
    public SplitClip split(List<RgbFrame> frames, SaliencyMethod method, ClipSource source) {
        return split(frames, method.compute(frames, source));
    }

    /**
     * Splits a clip with given maps.
     *
     * @param frames V, T frames of one size
     * @param maps one saliency map per frame, each the size of its frame
     */
    public SplitClip split(List<RgbFrame> frames, List<SaliencyMap> maps) {
        SaliencyMethod.checkClip(frames);
        if (maps.size() != frames.size()) {
            throw new IllegalArgumentException("Got " + maps.size() + " saliency maps for " + frames.size() + " frames");
        }
        int t = frames.size();
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        Box[] own = new Box[t];
        Box union = null;
        List<Mask> masks = new ArrayList<>(t);
        for (int i = 0; i < t; i++) {
            SaliencyMap m = maps.get(i);
            if (m.width() != w || m.height() != h) {
                throw new IllegalArgumentException("Saliency map " + i + " is " + m.width() + "x" + m.height()
                        + " but the frames are " + w + "x" + h);
            }
            Mask mask = threshold(m, options.foregroundThreshold());
            masks.add(mask);
            own[i] = boundingBox(mask);
            if (own[i] != null) {
                union = union == null ? own[i] : union.union(own[i]);
            }
        }
        Box fallbackBox = fallbackBox(w, h, options.fallbackBorder());
        List<RgbFrame> fg = new ArrayList<>(t);
        List<RgbFrame> bg = new ArrayList<>(t);
        List<Box> boxes = new ArrayList<>(t);
        boolean[] fallback = new boolean[t];
        for (int i = 0; i < t; i++) {
            RgbFrame v = frames.get(i);
            Box box = options.crop() == CropMode.CLIP ? union : own[i];
            fallback[i] = box == null;
            if (box == null) {
                box = fallbackBox;
            }
            boxes.add(box);
            RgbFrame source = options.foregroundMask() && !fallback[i] ? applyMask(v, masks.get(i)) : v;
            fg.add(Frames.resize(Frames.crop(source, box.x(), box.y(), box.width(), box.height()), w, h));
            bg.add(zeroSalient(v, maps.get(i), options.backgroundThreshold()));
        }
        return new SplitClip(frames, fg, bg, maps, masks, boxes, fallback);
    }

    /** The pixels of saliency >= {@code threshold}. */
    public static Mask threshold(SaliencyMap m, int threshold) {
        byte[] v = m.values();
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) ((v[i] & 0xff) >= threshold ? 1 : 0);
        }
        return new Mask(m.width(), m.height(), out);
    }

    /** {@link #threshold} of every map. */
    public static List<Mask> thresholdAll(List<SaliencyMap> maps, int threshold) {
        List<Mask> out = new ArrayList<>(maps.size());
        for (SaliencyMap m : maps) {
            out.add(threshold(m, threshold));
        }
        return out;
    }

    /** The bounding box of the set pixels, or {@code null} when none is set. */
    public static Box boundingBox(Mask mask) {
        int x0 = Integer.MAX_VALUE;
        int y0 = Integer.MAX_VALUE;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < mask.height(); y++) {
            for (int x = 0; x < mask.width(); x++) {
                if (mask.get(x, y)) {
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return x1 < 0 ? null : new Box(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    /** The frame less a border of {@code border} pixels (the whole frame when it is too small for one). */
    static Box fallbackBox(int w, int h, int border) {
        int bx = w > 2 * border ? border : 0;
        int by = h > 2 * border ? border : 0;
        return new Box(bx, by, w - 2 * bx, h - 2 * by);
    }

    /** V with the pixels of saliency >= {@code threshold} set to zero. */
    public static RgbFrame zeroSalient(RgbFrame v, SaliencyMap m, int threshold) {
        byte[] px = v.pixels().clone();
        byte[] s = m.values();
        for (int i = 0; i < s.length; i++) {
            if ((s[i] & 0xff) >= threshold) {
                px[i * 3] = 0;
                px[i * 3 + 1] = 0;
                px[i * 3 + 2] = 0;
            }
        }
        return new RgbFrame(v.width(), v.height(), px);
    }

    /** V with the pixels outside the mask set to zero. */
    public static RgbFrame applyMask(RgbFrame v, Mask mask) {
        byte[] px = v.pixels().clone();
        byte[] m = mask.values();
        for (int i = 0; i < m.length; i++) {
            if (m[i] == 0) {
                px[i * 3] = 0;
                px[i * 3 + 1] = 0;
                px[i * 3 + 2] = 0;
            }
        }
        return new RgbFrame(v.width(), v.height(), px);
    }
}
