package org.ecrl4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.nn.backbone.BackboneSpec;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.pipeline.Stage2Mode;
import org.ecrl4j.pipeline.VideoTraining;
import org.ecrl4j.recipe.Recipe;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.train.TrainOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of {@code ecrl4j train --data}: backbone, encoders, stage 1, background swap and the
 * video options; {@link #run} maps them onto {@link VideoTraining.Options}.
 */
public final class VideoTrainOptions {
    @Option(names = "--backbone", defaultValue = BackboneSpec.DEFAULT, paramLabel = "B",
            description = "builtin, builtin:PATH or torchscript:PATH (default: ${DEFAULT-VALUE})")
    String backbone = BackboneSpec.DEFAULT;

    @Option(names = "--finetune-backbone", description = "train an imported backbone in stage 1 too (else it stays frozen)")
    boolean finetune;

    @Option(names = "--encoders", defaultValue = "shared", paramLabel = "shared|separate",
            description = "one encoder for V, S and C, or three trained on their own stream (default: ${DEFAULT-VALUE})")
    EncoderSharing encoders = EncoderSharing.SHARED;

    @Option(names = "--bg-swap", paramLabel = "P",
            description = "background swap probability (MODEL.md 6b; default: the recipe's, 1 for ecrl-plus and base-swap, else 0)")
    Double bgSwap;

    @Option(names = "--stage1-epochs", paramLabel = "E",
            description = "stage-1 epochs; 0 uses the backbone as it is (default: 40 with --preset scratch, as"
                    + " MODEL.md 6c asks for a backbone trained from nothing; 12 with --preset pretrained)")
    Integer stage1Epochs;

    @Option(names = "--stage1-lr", paramLabel = "LR",
            description = "stage-1 learning rate (default, MODEL.md 6c: with --preset pretrained 1e-5, the paper's"
                    + " backbone rate, when a pretrained backbone is fine-tuned, 1e-4 when it stays frozen (only the"
                    + " classifier trains), step decay x0.1 every 4 epochs; with --preset scratch, or a built-in"
                    + " backbone trained from nothing, 2e-3 with a cosine schedule)")
    Float stage1Lr;

    @Option(names = "--stage2", defaultValue = "joint", paramLabel = "joint|frozen",
            description = "stage 2: train the encoders with the head on the videos (joint, MODEL.md section 5), or"
                    + " the head alone on cached features of the stage-1 encoders (frozen; always so for an imported"
                    + " backbone without --finetune-backbone) (default: ${DEFAULT-VALUE})")
    Stage2Mode stage2 = Stage2Mode.JOINT;

    @Option(names = "--encoder-lr-scale", defaultValue = "0.1", paramLabel = "X",
            description = "joint stage 2: encoder learning rate = X * the head's (the paper: 1e-5 vs 1e-4;"
                    + " default: ${DEFAULT-VALUE})")
    double encoderLrScale = 0.1;

    @Option(names = "--protocol", defaultValue = "none", paramLabel = "msrvtt|activitynet",
            description = "the paper's splits (MODEL.md 7): msrvtt trains on train + val (MSR-VTT's 7,010) and"
                    + " holds out test; activitynet trains on train and holds out val (ActivityNet's validation"
                    + " subset, its test); both carve val out of training (--val-fraction), so no setting or best"
                    + " epoch is chosen on the test split (default: ${DEFAULT-VALUE}, the annotations' splits)")
    String protocol = "none";

    @Option(names = "--val-fraction", defaultValue = "0.1", paramLabel = "F",
            description = "with --protocol: the share of every class of the training pool carved out as val,"
                    + " seeded by --seed (default: ${DEFAULT-VALUE})")
    double valFraction = 0.1;

    @Option(names = "--resume", description = "continue the run in --out (same options as when it started)")
    boolean resume;

    @Option(names = "--stop-after-epoch", hidden = true, paramLabel = "N",
            description = "stop after N head epochs as a kill would (for tests of --resume)")
    int stopAfter;

    @Option(names = "--stop-after-stage1-epoch", hidden = true, paramLabel = "N",
            description = "stop after N stage-1 epochs as a kill would (for tests of --resume)")
    int stopAfterStage1;

    @Mixin VideoOptions video = new VideoOptions();

    @Mixin AugmentOptions augment = new AugmentOptions();

    /** Whether a run folder holds a checkpoint (of stage 1 or 2) that --resume can continue from. */
    static boolean hasCheckpoint(Path out) {
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(out.resolve(VideoTraining.CHECKPOINT_DIR))) {
            return s.anyMatch(java.nio.file.Files::isRegularFile);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    int run(Path data, Path out, Recipe recipe, TrainOptions headOptions, String preset, PrintStream log)
            throws Exception {
        int stage1Epochs = this.stage1Epochs != null ? this.stage1Epochs : preset.equalsIgnoreCase("scratch") ? 40 : 12;
        HeadConfig head = recipe.head();
        // The recipe's split and swap (MODEL.md 6b), unless the command line sets them.
        SplitOptions defaults = recipe.split();
        double swap = bgSwap != null ? bgSwap : recipe.swap();
        if (stage1Epochs < 0) {
            throw new IllegalArgumentException("--stage1-epochs must be >= 0, got " + stage1Epochs);
        }
        BackboneSpec spec = BackboneSpec.parse(backbone);
        TrainOptions stage1 = stage1Options(preset, spec, finetune, stage1Lr, Math.max(1, stage1Epochs), headOptions);
        log.printf(java.util.Locale.ROOT, "stage 1: learning rate %.0e, %s schedule (%s)%n", stage1.learningRate(),
                stage1.schedule().name().toLowerCase(java.util.Locale.ROOT), stage1Lr != null ? "--stage1-lr"
                        : spec.trainsFromScratch() ? "a backbone trained from nothing" : "preset " + preset
                                + (finetune ? ", backbone fine-tuned" : ", backbone frozen"));
        boolean joint = stage2 == Stage2Mode.JOINT;
        VideoTraining.Options o = new VideoTraining.Options(data, out, head, headOptions,
                stage1Epochs == 0 ? null : stage1, spec, encoders, finetune,
                video.saliency, video.frames(spec), video.size(spec), video.split(defaults), swap, video.workers(), resume, stopAfter,
                stopAfterStage1, joint, encoderLrScale, org.ecrl4j.data.Protocol.parse(protocol), valFraction,
                augment.augmentation());
        VideoTraining.run(o, EcrlCommand.codeVersion(), log::println);
        return 0;
    }

    /**
     * Stage 1's optimiser settings (MODEL.md 6c). A backbone trained from nothing (the built-in one)
     * takes the scratch rate, 2e-3 with a cosine schedule and the best val epoch kept, whatever the
     * preset: at the paper's 1e-5 it would not learn. A pretrained backbone under the pretrained preset
     * takes the paper's rates with the preset's step decay: 1e-5 when it is fine-tuned (the backbone
     * rate holds in every stage that trains a backbone), the head rate 1e-4 when it stays frozen
     * (only the plain classifier trains). {@code lr} (--stage1-lr) replaces the rate in every case.
     */
    static TrainOptions stage1Options(String preset, BackboneSpec spec, boolean finetune, Float lr, int epochs,
            TrainOptions head) {
        boolean scratch = preset.equalsIgnoreCase("scratch") || spec.trainsFromScratch();
        if (scratch) {
            return new TrainOptions(epochs, head.batchSize(), lr != null ? lr : 2e-3f, head.weightDecay(),
                    TrainOptions.Schedule.COSINE, 4, 0.1f, head.seed(), true);
        }
        TrainOptions paper = TrainOptions.pretrained(head.seed());
        float rate = lr != null ? lr : finetune ? 1e-5f : paper.learningRate();
        return new TrainOptions(epochs, head.batchSize(), rate, head.weightDecay(), paper.schedule(), paper.decayEvery(),
                paper.decayFactor(), head.seed(), true);
    }
}
