package org.ecrl4j.nn.backbone;

import java.util.Locale;

/** How the three streams V, S, C get their encoders ({@code --encoders shared|separate}). */
public enum EncoderSharing {
    /** One network encodes all three streams; its gradients add up over them. */
    SHARED,
    /** Three networks M_v, M_s, M_c, initialised from the same weights (the paper and reference). */
    SEPARATE;

    /**
     * Parses {@code shared} or {@code separate} (any case).
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static EncoderSharing parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (EncoderSharing s : values()) {
            if (s.option().equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown encoder sharing '" + text + "'; expected 'shared' or 'separate'");
    }

    /** The option's spelling on the command line. */
    public String option() {
        return name().toLowerCase(Locale.ROOT);
    }
}
