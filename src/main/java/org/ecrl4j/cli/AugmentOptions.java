package org.ecrl4j.cli;

import org.ecrl4j.pipeline.TrainingClips;
import picocli.CommandLine.Option;

/**
 * Training-time sampling and augmentation ({@code train --data}, {@code demo}): a random frame per
 * segment from a frame cache, a random resized crop, and an optional horizontal flip, drawn per
 * (seed, epoch, video).
 */
public final class AugmentOptions {
    @Option(names = "--augment", defaultValue = "on", paramLabel = "on|off",
            description = "training-time sampling and augmentation: a random frame per segment and a random resized"
                    + " crop every epoch (off: every epoch sees the evaluation clip) (default: ${DEFAULT-VALUE})")
    String augment = "on";

    @Option(names = "--frame-cache", defaultValue = "4", paramLabel = "K",
            description = "with --augment on: frames cached per segment, decoded once (a segment of at most K frames"
                    + " keeps them all) (default: ${DEFAULT-VALUE})")
    int candidates = 4;

    @Option(names = "--crop-area", defaultValue = "0.6", paramLabel = "A",
            description = "with --augment on: the random crop's smallest area, a fraction in (0, 1] of the largest"
                    + " square (aspect ratio 3/4 to 4/3) (default: ${DEFAULT-VALUE})")
    double minArea = 0.6;

    @Option(names = "--flip", description = "with --augment on: mirror half the training clips (off by default: a flip"
            + " turns slide-left into slide-right)")
    boolean flip;

    /** The augmentation these options ask for. */
    TrainingClips.Augmentation augmentation() {
        boolean on = switch (augment.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("--augment must be on or off, got '" + augment + "'");
        };
        if (!on) {
            if (flip) {
                throw new IllegalArgumentException("--flip needs --augment on");
            }
            return TrainingClips.Augmentation.OFF;
        }
        return new TrainingClips.Augmentation(true, candidates, minArea, flip);
    }
}
