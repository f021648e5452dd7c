package org.ecrl4j.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.nn.backbone.PooledClassifier;
import org.ecrl4j.nn.backbone.TinyVideoNet;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.recipe.Stage1;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.train.EpochMetrics;
import org.ecrl4j.train.HeadTrainer;
import org.ecrl4j.train.Trainer;
import org.ecrl4j.train.TrainOptions;

/**
 * The steps the demo and the ablations share: a stage-1 built-in encoder trained on stored clips,
 * and the features its frozen copy gives the heads.
 */
public final class FrozenHeads {
    private FrozenHeads() {}

    /**
     * Trains a fresh {@link TinyVideoNet} with a plain classifier (stage 1).
     *
     * @param frames T
     * @param size the square input size
     * @param train the training clips, drawn per epoch ({@link TrainingClips#fixed} for the evaluation clips)
     */
    public static PooledClassifier stage1(NDManager manager, List<Integer> widths, int frames, int size, int classes,
            TrainingClips train, List<StoredClip> val, EncoderTrainer.Input input, TrainOptions options,
            PrintStream log) {
        PooledClassifier c = newClassifier(manager, widths, frames, size, classes, options.seed());
        train(c, manager, classes, train, val, input, options, log::println);
        return c;
    }

    /**
     * A fresh {@link TinyVideoNet} with a plain classifier, initialised from {@code seed} alone (it
     * re-seeds the engine's generator: create the classifiers of encoders trained side by side one
     * after the other, before their training starts, and each gets the weights it gets alone).
     */
    public static PooledClassifier newClassifier(NDManager manager, List<Integer> widths, int frames, int size,
            int classes, long seed) {
        TinyVideoNet net = TinyVideoNet.create(manager, widths, seed);
        PooledClassifier c = new PooledClassifier(net, classes);
        c.initialize(manager, DataType.FLOAT32, new Shape(1, 3, frames, size, size));
        return c;
    }

    /**
     * Stage 1 of a classifier from {@link #newClassifier}: neither draws from nor re-seeds the
     * engine's generator (the built-in net has no dropout; the data order and swaps come from the
     * options' seed, {@link Trainer.Seeding#ORDER_ONLY}), so it may run on any thread, at the same
     * time as other classifiers' training or a head's, with the result it has alone.
     */
    public static void train(PooledClassifier c, NDManager manager, int classes, TrainingClips train,
            List<StoredClip> val, EncoderTrainer.Input input, TrainOptions options,
            java.util.function.Consumer<String> log) {
        try {
            EncoderTrainer.train(c, manager, classes, train, val, input, options, null, log, Trainer.Seeding.ORDER_ONLY);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // no checkpoint: no file is touched
        }
    }

    /**
     * What a stage-1 encoder of {@code kind} trains on: whole clips (with the background swap at
     * {@code swap} on the {@code split}'s masks for {@link Stage1#SWAP_ALWAYS}), or the paper's
     * foreground or background stream for the separate encoders M_s and M_c.
     */
    public static EncoderTrainer.Input stage1Input(Stage1 kind, SplitOptions split, double swap) {
        return switch (kind) {
            case PLAIN -> new EncoderTrainer.Input(ClipBatches.Stream.WHOLE, SplitOptions.PAPER, 0);
            case SWAP_ALWAYS -> new EncoderTrainer.Input(ClipBatches.Stream.WHOLE, split, swap);
            case FOREGROUND -> new EncoderTrainer.Input(ClipBatches.Stream.FOREGROUND, SplitOptions.PAPER, 0);
            case BACKGROUND -> new EncoderTrainer.Input(ClipBatches.Stream.BACKGROUND, SplitOptions.PAPER, 0);
        };
    }

    /**
     * The head's training features: the training clips through the frozen encoders, plus one
     * background-swapped copy of every clip when {@code swappedCopies} (MODEL.md 6b).
     */
    public static FeatureSet trainingFeatures(Encoders encoders, NDManager manager, List<StoredClip> train,
            SplitOptions split, boolean swappedCopies, long seed, int batchSize) {
        FeatureSet f = VideoFeatures.ofClips(encoders, manager, train, split, batchSize);
        if (swappedCopies) {
            f = VideoFeatures.concat(f, VideoFeatures.ofSwappedClips(encoders, manager, train, split, batchSize, seed));
        }
        return f;
    }

    /** A listener that prints the trainer's messages and every {@code every}-th and the last epoch. */
    public static Trainer.Listener listener(PrintStream log, int epochs, int every) {
        return new Trainer.Listener() {
            @Override
            public void onMessage(String message) {
                log.println("  " + message);
            }

            @Override
            public void onEpoch(EpochMetrics m) {
                if (m.epoch() == epochs || (every > 0 && m.epoch() % every == 0)) {
                    log.printf(Locale.ROOT, "  head epoch %d  loss %.4f  acc@1 %.3f  val acc@1 %.3f%n", m.epoch(),
                            m.loss(), m.acc1(), m.valAcc1());
                }
            }
        };
    }
}
