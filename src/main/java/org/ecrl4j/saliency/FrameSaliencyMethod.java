package org.ecrl4j.saliency;

import java.util.ArrayList;
import java.util.List;
import org.ecrl4j.video.RgbFrame;

/** A saliency method that looks at each frame alone (the static and learned methods). */
public interface FrameSaliencyMethod extends SaliencyMethod {
    /** The map of one frame, its size, values 0-255. */
    SaliencyMap computeFrame(RgbFrame frame);

    @Override
    default List<SaliencyMap> compute(List<RgbFrame> frames, ClipSource source) {
        SaliencyMethod.checkClip(frames);
        List<SaliencyMap> out = new ArrayList<>(frames.size());
        for (RgbFrame f : frames) {
            out.add(computeFrame(f));
        }
        return out;
    }
}
