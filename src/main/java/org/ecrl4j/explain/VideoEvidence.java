package org.ecrl4j.explain;

import java.io.IOException;
import java.util.Optional;

/**
 * What the report needs from the videos behind a test feature file, for Fig. 6 and the saliency
 * split: the sampled frames of a video, the Grad-CAM maps of base and ECRL over them and the
 * foreground/background split. Feature-only runs have no videos; {@link #NONE} says so.
 */
public interface VideoEvidence {
    /** No videos: the report shows frame weights and attention only. */
    VideoEvidence NONE = new VideoEvidence() {
        @Override
        public Optional<VideoPanel> panel(int index) {
            return Optional.empty();
        }

        @Override
        public String unavailableReason() {
            return "the run was trained on cached features; pass --data with the videos of the test features"
                    + " (and a run trained from videos for Grad-CAM) to see frames";
        }
    };

    /**
     * The panel of the test video at row {@code index} of the feature file, or empty when that video
     * is not available.
     *
     * @throws IOException naming the video when it exists but cannot be read
     */
    Optional<VideoPanel> panel(int index) throws IOException;

    /** Why frames are missing, shown in the report when {@link #panel} returns empty. */
    String unavailableReason();

    /**
     * A note shown once above the panels, e.g. why a model has no Grad-CAM (its backbone is not the
     * built-in one); null when there is nothing to say.
     */
    default String camNote() {
        return null;
    }
}
