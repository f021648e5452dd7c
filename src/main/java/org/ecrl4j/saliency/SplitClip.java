package org.ecrl4j.saliency;

import java.util.List;
import org.ecrl4j.video.RgbFrame;

/**
 * The three frame streams of MODEL.md section 1.3 for one clip, all T frames of the input size,
 * with what produced them.
 *
 * @param whole V, the input frames
 * @param foreground S, each frame cropped to its foreground box and resized back to the input size
 * @param background C, the input frames with their most salient pixels zeroed
 * @param saliency the saliency maps the split used, 0-255
 * @param masks the foreground mask of each frame (saliency >= the foreground threshold), in V's
 *     coordinates, for the background swap of MODEL.md section 6b
 * @param boxes the box each S frame was cropped to, in V's coordinates
 * @param fallback for each frame, whether nothing was salient and the fallback box was used
 */
public record SplitClip(List<RgbFrame> whole, List<RgbFrame> foreground, List<RgbFrame> background,
        List<SaliencyMap> saliency, List<Mask> masks, List<Box> boxes, boolean[] fallback) {
    public SplitClip {
        whole = List.copyOf(whole);
        foreground = List.copyOf(foreground);
        background = List.copyOf(background);
        saliency = List.copyOf(saliency);
        masks = List.copyOf(masks);
        boxes = List.copyOf(boxes);
        fallback = fallback.clone();
        int t = whole.size();
        if (foreground.size() != t || background.size() != t || saliency.size() != t || masks.size() != t
                || boxes.size() != t || fallback.length != t) {
            throw new IllegalArgumentException("All streams of a split clip need " + t + " frames");
        }
    }

    @Override
    public boolean[] fallback() {
        return fallback.clone();
    }
}
