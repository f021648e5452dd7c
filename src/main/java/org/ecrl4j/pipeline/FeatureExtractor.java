package org.ecrl4j.pipeline;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.VideoEncoder;
import org.ecrl4j.saliency.SplitClip;
import org.ecrl4j.saliency.SplitOptions;

/**
 * Per-frame features of the three streams V, S, C of stored clips through a frozen encoder (one
 * encoder shared by the three streams): the feature file of the head trainer.
 */
public final class FeatureExtractor {
    private FeatureExtractor() {}

    /** Features of the clips' own V, S and C under the given split options. */
    public static FeatureSet extract(VideoEncoder encoder, NDManager manager, List<StoredClip> clips,
            SplitOptions split, int batchSize) {
        List<SplitClip> splits = new ArrayList<>(clips.size());
        for (StoredClip c : clips) {
            splits.add(ClipBatches.split(c, split));
        }
        return extractSplits(encoder, manager, splits, EncoderTrainer.labels(clips), batchSize);
    }

    /**
     * Features of background-swapped copies (MODEL.md 6b): each clip's foreground on the frames of
     * another clip drawn at random with the given seed, label kept; S and C are cut from the
     * composite with the first clip's saliency.
     */
    public static FeatureSet extractSwapped(VideoEncoder encoder, NDManager manager, List<StoredClip> clips,
            SplitOptions split, int batchSize, long seed) {
        return extract(encoder, manager, BackgroundSwap.swapClips(clips, seed, split.foregroundThreshold()), split,
                batchSize);
    }

    private static FeatureSet extractSplits(VideoEncoder encoder, NDManager manager, List<SplitClip> splits,
            long[] labels, int batchSize) {
        float[][] f = VideoFeatures.encode(Encoders.of(encoder, EncoderSharing.SHARED, manager), manager, splits,
                batchSize);
        int t = splits.isEmpty() ? 0 : splits.get(0).whole().size();
        return new FeatureSet(f[0], f[1], f[2], labels, t, encoder.featureWidth());
    }

    /** Two feature sets one after the other. */
    public static FeatureSet concat(FeatureSet a, FeatureSet b) {
        if (a.frames() != b.frames() || a.width() != b.width()) {
            throw new IllegalArgumentException("Cannot join feature sets of T=" + a.frames() + ", d=" + a.width()
                    + " and T=" + b.frames() + ", d=" + b.width());
        }
        float[][] out = new float[3][];
        String[] names = {FeatureSet.VIDEO, FeatureSet.FOREGROUND, FeatureSet.BACKGROUND};
        for (int s = 0; s < 3; s++) {
            float[] x = a.stream(names[s]);
            float[] y = b.stream(names[s]);
            out[s] = java.util.Arrays.copyOf(x, x.length + y.length);
            System.arraycopy(y, 0, out[s], x.length, y.length);
        }
        long[] la = a.labels();
        long[] lb = b.labels();
        long[] labels = java.util.Arrays.copyOf(la, la.length + lb.length);
        System.arraycopy(lb, 0, labels, la.length, lb.length);
        return new FeatureSet(out[0], out[1], out[2], labels, a.frames(), a.width());
    }
}
