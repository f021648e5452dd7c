package org.ecrl4j.cli;

import java.util.Locale;
import org.ecrl4j.nn.backbone.BackboneSpec;
import org.ecrl4j.saliency.CropMode;
import org.ecrl4j.saliency.SplitOptions;
import picocli.CommandLine.Option;

/**
 * The options that say how videos become the three streams: saliency, T, input size, the split's
 * crop and mask, and the decoding threads. Shared by {@code extract} and {@code train --data}.
 */
public final class VideoOptions {
    @Option(names = "--saliency", defaultValue = "motion", paramLabel = "M",
            description = "saliency method: motion, spectral, fine-grained, model:PATH (default: ${DEFAULT-VALUE})")
    String saliency;

    /** T when neither the flag nor a backbone sidecar gives it. */
    static final int DEFAULT_FRAMES = 8;

    /** The input size when neither the flag nor a backbone sidecar gives it. */
    static final int DEFAULT_SIZE = 112;

    @Option(names = "--frames", paramLabel = "T",
            description = "frames per video (default: the backbone's sidecar NAME.json, else 8)")
    Integer frames;

    @Option(names = "--size", paramLabel = "N", description = "input size: shorter side resized, centre square crop"
            + " (default: the backbone's sidecar NAME.json, else 112)")
    Integer size;

    /** T: --frames, else the backbone's sidecar, else {@value #DEFAULT_FRAMES}; a contradiction is an error. */
    int frames(BackboneSpec backbone) {
        return frames(backbone, frames);
    }

    /** The input size: --size, else the backbone's sidecar, else {@value #DEFAULT_SIZE}; a contradiction is an error. */
    int size(BackboneSpec backbone) {
        return size(backbone, size);
    }

    /** T from a --frames value (null when not given), the backbone's sidecar, else {@value #DEFAULT_FRAMES}. */
    static int frames(BackboneSpec backbone, Integer given) {
        return backbone.contract().map(c -> c.resolve("--frames", given, c.frames()))
                .orElse(given == null ? DEFAULT_FRAMES : given);
    }

    /** The size from a --size value (null when not given), the backbone's sidecar, else {@value #DEFAULT_SIZE}. */
    static int size(BackboneSpec backbone, Integer given) {
        return backbone.contract().map(c -> c.resolve("--size", given, c.size()))
                .orElse(given == null ? DEFAULT_SIZE : given);
    }

    @Option(names = "--crop", paramLabel = "frame|clip",
            description = "foreground box per frame (the paper) or one per clip (default: frame; clip for ecrl-plus)")
    String crop;

    @Option(names = "--fg-mask", paramLabel = "on|off",
            description = "zero the non-salient pixels inside the box (default: off; on for ecrl-plus)")
    String fgMask;

    @Option(names = "--workers", paramLabel = "N",
            description = "decoding and saliency threads (default: the number of processors)")
    Integer workers;

    /** The split: the given defaults, overridden by --crop and --fg-mask. */
    SplitOptions split(SplitOptions defaults) {
        CropMode c = crop == null ? defaults.crop() : CropMode.parse(crop);
        boolean m = fgMask == null ? defaults.foregroundMask() : onOff(fgMask);
        return defaults.with(c, m);
    }

    int workers() {
        int w = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
        if (w < 1) {
            throw new IllegalArgumentException("--workers must be >= 1, got " + w);
        }
        return w;
    }

    static boolean onOff(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException("--fg-mask: expected on or off, got '" + v + "'");
        };
    }
}
