package org.ecrl4j.saliency;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.ecrl4j.video.RgbFrame;

/**
 * Where a clip's frames came from, for saliency methods that need more than the pixels (an oracle
 * reading a video's ground-truth masks). The frames a method receives have already been through
 * the clip's geometric transform (resize, crop, flip), so such a method must apply it to what it
 * reads: {@code geometry}, when known, does exactly that to images of the decoded size (the same
 * crop and flip as the clip's frames); {@code transform} describes it in words for error messages.
 *
 * @param video the video file or frame folder, or {@code null} when unknown
 * @param frameIndices the decoded frame indices, one per frame, or {@code null} when unknown
 * @param transform a description of the geometric transform applied ("" when none)
 * @param geometry the geometric transform itself, from decoded-size images to the clip's frames, or
 *     {@code null} when unknown
 */
public record ClipSource(Path video, int[] frameIndices, String transform, UnaryOperator<List<RgbFrame>> geometry) {
    /** Frames that came from nowhere in particular (tests, rendered frames). */
    public static final ClipSource UNKNOWN = new ClipSource(null, null, "", null);

    public ClipSource {
        frameIndices = frameIndices == null ? null : frameIndices.clone();
        transform = transform == null ? "" : transform;
    }

    /** Where a sampled clip came from, with its geometric transform. */
    public static ClipSource of(org.ecrl4j.video.ClipReader.Sampled clip) {
        return new ClipSource(clip.video(), clip.frameIndices(), clip.transform(), clip.geometry());
    }

    /** A source whose geometric transform is known only by its description. */
    public ClipSource(Path video, int[] frameIndices, String transform) {
        this(video, frameIndices, transform, null);
    }

    @Override
    public int[] frameIndices() {
        return frameIndices == null ? null : frameIndices.clone();
    }
}
