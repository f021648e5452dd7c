package org.ecrl4j.explain;

import java.util.List;
import org.ecrl4j.saliency.SplitClip;
import org.ecrl4j.video.RgbFrame;

/**
 * The frame-level evidence of one test video (Fig. 6 and the saliency split).
 *
 * @param video the video's name or path, shown as caption
 * @param frames the T sampled frames
 * @param baseCam Grad-CAM map of the base model per frame ([t][y][x], any resolution, >= 0), or null
 * @param ecrlCam Grad-CAM map of the ECRL model's backbone per frame, or null
 * @param split the foreground/background split of the frames, or null
 */
public record VideoPanel(String video, List<RgbFrame> frames, float[][][] baseCam, float[][][] ecrlCam,
        SplitClip split) {
    public VideoPanel {
        frames = List.copyOf(frames);
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("A video panel needs at least one frame (" + video + ")");
        }
        for (float[][][] cam : new float[][][][] {baseCam, ecrlCam}) {
            if (cam != null && cam.length != frames.size()) {
                throw new IllegalArgumentException("Grad-CAM of " + video + " has " + cam.length + " maps for "
                        + frames.size() + " frames");
            }
        }
    }
}
