package org.ecrl4j.pipeline;

import java.util.List;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.saliency.SaliencyMap;
import org.ecrl4j.video.RgbFrame;

/**
 * One ingested video: its T input-size frames V and their saliency maps, from which the
 * foreground/background split of any {@link org.ecrl4j.saliency.SplitOptions} is derived.
 *
 * @param sample the annotation row
 * @param label the class index
 * @param frameIndices the decoded frame indices
 * @param frames V, T frames at the input size
 * @param saliency one 0-255 map per frame
 */
public record StoredClip(VideoSample sample, int label, int[] frameIndices, List<RgbFrame> frames,
        List<SaliencyMap> saliency) {
    public StoredClip {
        frames = List.copyOf(frames);
        saliency = List.copyOf(saliency);
        if (frames.size() != saliency.size()) {
            throw new IllegalArgumentException(frames.size() + " frames but " + saliency.size() + " saliency maps");
        }
    }

    /**
     * This clip frozen on its first frame: T copies of it, with the empty saliency a motion method
     * gives a still clip; label and sample kept. No event is left, only the scene and the still
     * object (the static version of SCUFO and of the demo's {@code val-static}).
     */
    public StoredClip still() {
        int t = frames.size();
        RgbFrame first = frames.get(0);
        SaliencyMap none = new SaliencyMap(first.width(), first.height(), new byte[first.width() * first.height()]);
        return new StoredClip(sample, label, frameIndices, java.util.Collections.nCopies(t, first),
                java.util.Collections.nCopies(t, none));
    }
}
