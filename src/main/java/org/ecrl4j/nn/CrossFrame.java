package org.ecrl4j.nn;

/** How a stream (B, T, d) becomes a video-level representation (B, d) (MODEL.md section 2). */
public enum CrossFrame {
    /** F_r = mean over frames of the raw stream (rows +FCM, +BCM, +FCM+BCM of Table 3). */
    NONE,
    /** Cross-frame correlation modelling, paper Eq. 2, without temporal self-attention. */
    CCM,
    /** CCM preceded by temporal self-attention (TSC) over the frames. */
    CCM_TSC;

    /** The option spelling: none, ccm, ccm-tsc. */
    public String optionName() {
        return name().toLowerCase().replace('_', '-');
    }
}
