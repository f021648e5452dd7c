package org.ecrl4j.cli;

import java.util.ArrayList;
import java.util.List;
import org.ecrl4j.train.TrainOptions;
import picocli.CommandLine.Option;

/**
 * The options the demo and {@code ablate} share: seeds, stage-1 and head epochs and the saliency
 * method, with the optimiser settings both use (stage 1: Adam 2e-3, cosine; heads: Adam 1e-3,
 * cosine; batch 8, weight decay 1e-3, best val epoch kept).
 */
public final class ExperimentOptions {
    @Option(names = "--seeds", defaultValue = "3", paramLabel = "N", description = "training seeds to average (default: ${DEFAULT-VALUE})")
    int seeds = 3;

    @Option(names = "--quick", description = "one seed (about a third of the time)")
    boolean quick;

    @Option(names = "--stage1-epochs", defaultValue = "25", paramLabel = "E", description = "stage-1 epochs (default: ${DEFAULT-VALUE})")
    int stage1Epochs = 25;

    @Option(names = "--head-epochs", defaultValue = "20", paramLabel = "E", description = "head epochs (default: ${DEFAULT-VALUE})")
    int headEpochs = 20;

    @Option(names = "--saliency", defaultValue = "motion", paramLabel = "M", description = "saliency method (default: ${DEFAULT-VALUE})")
    String saliency = "motion";

    /**
     * The seeds 1..N (one with {@code --quick}).
     *
     * @throws IllegalArgumentException when the seeds or epochs are below 1
     */
    List<Long> seedList() {
        int n = quick ? 1 : seeds;
        if (n < 1 || stage1Epochs < 1 || headEpochs < 1) {
            throw new IllegalArgumentException("--seeds, --stage1-epochs and --head-epochs must be >= 1, got "
                    + n + ", " + stage1Epochs + ", " + headEpochs);
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add((long) i + 1);
        }
        return out;
    }

    /** Stage 1: Adam 2e-3 with a cosine schedule, best val epoch kept. */
    TrainOptions stage1() {
        return new TrainOptions(stage1Epochs, 8, 2e-3f, 1e-3f, TrainOptions.Schedule.COSINE, 4, 0.1f, 0, true);
    }

    /** The heads: Adam 1e-3 with a cosine schedule, best val epoch kept. */
    TrainOptions head() {
        return new TrainOptions(headEpochs, 8, 1e-3f, 1e-3f, TrainOptions.Schedule.COSINE, 4, 0.1f, 0, true);
    }
}
