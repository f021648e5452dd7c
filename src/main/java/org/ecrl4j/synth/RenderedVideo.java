package org.ecrl4j.synth;

import java.util.List;
import org.ecrl4j.video.RgbFrame;

/**
 * The frames of one benchmark video, with the ground truth.
 *
 * @param frames the T frames
 * @param masks per frame, {@code width * height} bytes, 255 where the object's pixels are (the
 *     object drawn with non-zero opacity, outline included), 0 elsewhere
 * @param states per frame, where the object is; empty when the video has no object
 */
public record RenderedVideo(List<RgbFrame> frames, List<byte[]> masks, List<ObjectState> states) {
    public RenderedVideo {
        frames = List.copyOf(frames);
        masks = List.copyOf(masks);
        states = List.copyOf(states);
        if (frames.size() != masks.size() || !(states.isEmpty() || states.size() == frames.size())) {
            throw new IllegalArgumentException("frames " + frames.size() + ", masks " + masks.size()
                    + ", states " + states.size() + " do not match");
        }
    }

    /** The number of frames. */
    public int length() {
        return frames.size();
    }
}
