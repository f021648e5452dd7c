package org.ecrl4j.pipeline;

/** How stage 2 trains on videos (MODEL.md section 5; {@code train --data --stage2}). */
public enum Stage2Mode {
    /** The encoders train with the head on the videos, end to end. */
    JOINT,
    /** The head trains alone on cached features of the frozen stage-1 encoders. */
    FROZEN
}
