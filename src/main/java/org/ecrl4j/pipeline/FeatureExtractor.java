package org.ecrl4j.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.nn.backbone.VideoEncoder;
import org.ecrl4j.saliency.SplitClip;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.video.RgbFrame;

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
        int n = splits.size();
        int d = encoder.featureWidth();
        int t = n == 0 ? 0 : splits.get(0).whole().size();
        float[][] streams = {new float[n * t * d], new float[n * t * d], new float[n * t * d]};
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            for (int s = 0; s < 3; s++) {
                ClipBatches.Stream stream = ClipBatches.Stream.values()[s];
                List<List<RgbFrame>> batch = new ArrayList<>();
                for (int i = start; i < end; i++) {
                    batch.add(ClipBatches.stream(splits.get(i), stream));
                }
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = ClipBatches.toArray(step, batch);
                    float[] f = encoder.encode(new ParameterStore(step, false), x, false).toFloatArray();
                    System.arraycopy(f, 0, streams[s], start * t * d, f.length);
                }
            }
        }
        return new FeatureSet(streams[0], streams[1], streams[2], labels, t, d);
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
