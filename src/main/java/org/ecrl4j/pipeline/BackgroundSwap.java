package org.ecrl4j.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.ecrl4j.saliency.SaliencyMap;
import org.ecrl4j.video.RgbFrame;

/**
 * The counterfactual background swap of MODEL.md section 6b: the foreground of video a (its
 * estimated mask m, saliency >= the foreground threshold) pasted onto the frames of video b,
 * composite = m ⊙ V_a + (1 - m) ⊙ V_b, with the label of a. The background is then drawn
 * independently of the class, which is what do(V) asks.
 */
public final class BackgroundSwap {
    private BackgroundSwap() {}

    /**
     * Composites clip a's foreground onto clip b's frames, frame by frame.
     *
     * @param a the clip whose event (and label) is kept
     * @param mapsA a's saliency maps
     * @param b the clip whose background is used; same T and frame size
     * @param threshold the foreground threshold (MODEL.md: 10)
     */
    public static List<RgbFrame> composite(List<RgbFrame> a, List<SaliencyMap> mapsA, List<RgbFrame> b, int threshold) {
        if (a.size() != b.size() || a.size() != mapsA.size()) {
            throw new IllegalArgumentException("Background swap needs clips of the same length, got " + a.size()
                    + " frames, " + mapsA.size() + " maps and " + b.size() + " background frames");
        }
        List<RgbFrame> out = new ArrayList<>(a.size());
        for (int t = 0; t < a.size(); t++) {
            RgbFrame fa = a.get(t);
            RgbFrame fb = b.get(t);
            SaliencyMap m = mapsA.get(t);
            if (fa.width() != fb.width() || fa.height() != fb.height() || m.width() != fa.width()
                    || m.height() != fa.height()) {
                throw new IllegalArgumentException("Background swap needs frames of one size, got " + fa.width() + "x"
                        + fa.height() + " and " + fb.width() + "x" + fb.height());
            }
            byte[] px = fb.pixels().clone();
            byte[] src = fa.pixels();
            byte[] mv = m.values();
            for (int i = 0; i < mv.length; i++) {
                if ((mv[i] & 0xff) >= threshold) {
                    px[3 * i] = src[3 * i];
                    px[3 * i + 1] = src[3 * i + 1];
                    px[3 * i + 2] = src[3 * i + 2];
                }
            }
            out.add(new RgbFrame(fa.width(), fa.height(), px));
        }
        return out;
    }

    /** Clip a's foreground on clip b's frames ({@link #composite}), with a's label and saliency. */
    public static StoredClip swap(StoredClip a, StoredClip b, int threshold) {
        return new StoredClip(a.sample(), a.label(), a.frameIndices(),
                composite(a.frames(), a.saliency(), b.frames(), threshold), a.saliency());
    }

    /**
     * Background-swapped copies of clips: each clip's foreground on the frames of another clip of
     * the list drawn at random with the given seed, label and saliency kept.
     */
    public static List<StoredClip> swapClips(List<StoredClip> clips, long seed, int threshold) {
        java.util.Random random = new java.util.Random(seed);
        List<StoredClip> out = new ArrayList<>(clips.size());
        for (StoredClip a : clips) {
            out.add(swap(a, clips.get(random.nextInt(clips.size())), threshold));
        }
        return out;
    }
}
