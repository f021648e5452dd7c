package org.ecrl4j.data;

import java.nio.file.Path;
import java.util.Map;

/**
 * One labelled video of a dataset, as an annotation reader returns it.
 *
 * @param path the video file or frame folder, resolved against the annotation's folder
 * @param label the class name (for numeric annotations, the number as text)
 * @param split the split name ({@code train}, {@code val}, {@code test}, ...), or "" when the
 *     format has none
 * @param segment the time segment to use, or {@code null} for the whole video
 * @param attributes any further columns of the annotation (the built-in benchmark's
 *     {@code background}, {@code shape}, {@code seed}), in file order; never null
 */
public record VideoSample(Path path, String label, String split, Segment segment, Map<String, String> attributes) {
    public VideoSample {
        attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
    }

    /** A time segment in seconds, {@code 0 <= start < end}. */
    public record Segment(double startSeconds, double endSeconds) {
        public Segment {
            if (!(startSeconds >= 0 && endSeconds > startSeconds)) {
                throw new IllegalArgumentException("Bad segment [" + startSeconds + ", " + endSeconds + "]");
            }
        }
    }
}
