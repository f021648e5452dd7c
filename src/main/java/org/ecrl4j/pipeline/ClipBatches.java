package org.ecrl4j.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.ecrl4j.saliency.ForegroundBackgroundSplit;
import org.ecrl4j.saliency.SplitClip;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.video.ClipTensor;
import org.ecrl4j.nn.backbone.VideoEncoder;
import org.ecrl4j.video.ClipTransform;
import org.ecrl4j.video.Normalisation;
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

    /** Normalises clips (lists of T frames) into one (B, 3, T, H, W) float array, reference normalisation. */
    public static NDArray toArray(NDManager manager, List<List<RgbFrame>> clips) {
        return toArray(manager, clips, Normalisation.REFERENCE);
    }

    /** Normalises clips as {@code encoder} expects them (its sidecar's mean and std, else the reference). */
    public static NDArray toArray(NDManager manager, List<List<RgbFrame>> clips, VideoEncoder encoder) {
        return toArray(manager, clips, normalisation(encoder));
    }

    /** The normalisation an encoder expects: its sidecar's mean and std, else the reference's. */
    public static Normalisation normalisation(VideoEncoder encoder) {
        return encoder.contract().map(c -> new Normalisation(c.mean(), c.std())).orElse(Normalisation.REFERENCE);
    }

    /** Normalises clips (lists of T frames) into one (B, 3, T, H, W) float array. */
    public static NDArray toArray(NDManager manager, List<List<RgbFrame>> clips, Normalisation norm) {
        List<ClipTensor> tensors = new ArrayList<>(clips.size());
        for (List<RgbFrame> c : clips) {
            tensors.add(ClipTransform.normalise(c, norm));
        }
        return ClipTensor.batchToNDArray(manager, tensors);
    }
}
