package org.ecrl4j.saliency;

import java.nio.file.Path;

/**
 * Where a clip's frames came from, for saliency methods that need more than the pixels (an oracle
 * reading a video's ground-truth masks). The frames a method receives have already been through
 * the clip's geometric transform (resize, crop, flip), so such a method must apply it to what it
 * reads; {@code transform} describes it in words for error messages.
 *
 * @param video the video file or frame folder, or {@code null} when unknown
 * @param frameIndices the decoded frame indices, one per frame, or {@code null} when unknown
 * @param transform a description of the geometric transform applied ("" when none)
 */
public record ClipSource(Path video, int[] frameIndices, String transform) {
    /** Frames that came from nowhere in particular (tests, rendered frames). */
    public static final ClipSource UNKNOWN = new ClipSource(null, null, "");

    public ClipSource {
        frameIndices = frameIndices == null ? null : frameIndices.clone();
        transform = transform == null ? "" : transform;
    }

    @Override
    public int[] frameIndices() {
        return frameIndices == null ? null : frameIndices.clone();
    }
}
