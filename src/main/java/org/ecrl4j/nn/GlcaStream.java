package org.ecrl4j.nn;

/** Which stream the front-door path reads as its local features F_L (MODEL.md section 4). */
public enum GlcaStream {
    /** The whole-frame stream F_v, as in the paper. */
    V,
    /** The foreground stream F_s, so that the front-door path does not see the background. */
    S
}
