package org.ecrl4j.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.ecrl4j.saliency.ForegroundBackgroundSplit;
import org.ecrl4j.saliency.SplitClip;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.video.ClipTensor;
import org.ecrl4j.video.ClipTransform;
import org.ecrl4j.video.RgbFrame;

/** Turns stored clips into the normalised (B, 3, T, H, W) arrays the encoders take. */
public final class ClipBatches {
    /** Which stream of the split to feed. */
    public enum Stream { WHOLE, FOREGROUND, BACKGROUND }

    private ClipBatches() {}

    /** The split of a stored clip under the given options. */
    public static SplitClip split(StoredClip clip, SplitOptions options) {
        return new ForegroundBackgroundSplit(options).split(clip.frames(), clip.saliency());
    }

    /** The frames of one stream. */
    public static List<RgbFrame> stream(SplitClip split, Stream stream) {
        return switch (stream) {
            case WHOLE -> split.whole();
            case FOREGROUND -> split.foreground();
            case BACKGROUND -> split.background();
        };
    }

    /** Normalises clips (lists of T frames) into one (B, 3, T, H, W) float array. */
    public static NDArray toArray(NDManager manager, List<List<RgbFrame>> clips) {
        List<ClipTensor> tensors = new ArrayList<>(clips.size());
        for (List<RgbFrame> c : clips) {
            tensors.add(ClipTransform.normalise(c));
        }
        return ClipTensor.batchToNDArray(manager, tensors);
    }
}
