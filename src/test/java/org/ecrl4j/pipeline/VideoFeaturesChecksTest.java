package org.ecrl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Features a backbone produces from a video are checked to be finite, naming the video. */
class VideoFeaturesChecksTest {
    @Test
    void nonFiniteBackboneOutputNamesTheVideoFrameAndStream() {
        float[] ok = new float[3 * 4];
        float[] bad = new float[3 * 4];
        bad[2 * 4 + 1] = Float.NaN;
        VideoFeatures.requireFinite(Path.of("videos/a.mp4"), new VideoFeatures.Streams(ok, ok, ok, 3, 4));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> VideoFeatures.requireFinite(
                Path.of("videos/b.mp4"), new VideoFeatures.Streams(ok, bad, ok, 3, 4)));
        assertEquals("videos/b.mp4: the backbone produced NaN features at [2, 1] (frame, dim) of stream 'foreground';"
                + " features must be finite: check the video's frames and the backbone's weights", e.getMessage());
    }
}
