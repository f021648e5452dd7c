package org.ecrl4j.synth;

import java.util.Arrays;

/** The codecs the benchmark can write its MP4 files with. */
public enum VideoCodec {
    /** H.264 through the natives' libopenh264 encoder (the default). */
    H264("h264"),
    /** MPEG-4 Part 2 through FFmpeg's own encoder. */
    MPEG4("mpeg4");

    private final String label;

    VideoCodec(String label) {
        this.label = label;
    }

    /** The name used on the command line and in {@code benchmark.json}. */
    public String label() {
        return label;
    }

    /** The codec with this name. */
    public static VideoCodec ofLabel(String label) {
        for (VideoCodec c : values()) {
            if (c.label.equalsIgnoreCase(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("Unknown codec '" + label + "'; known: "
                + Arrays.stream(values()).map(VideoCodec::label).toList());
    }
}
