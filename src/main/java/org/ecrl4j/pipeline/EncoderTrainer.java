package org.ecrl4j.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.nn.Losses;
import org.ecrl4j.nn.backbone.PooledClassifier;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.train.BlockState;
import org.ecrl4j.train.Checkpoint;
import org.ecrl4j.train.EpochMetrics;
import org.ecrl4j.train.FusedAdam;
import org.ecrl4j.train.TrainOptions;
import org.ecrl4j.train.TrainStep;
import org.ecrl4j.train.ThreadGradients;
import org.ecrl4j.train.Trainer;
import org.ecrl4j.video.RgbFrame;

/**
 * Stage 1 of MODEL.md section 5: trains an encoder with a plain classifier on mean-pooled
 * features (the {@code base} row), on one stream of stored clips, optionally with the background
 * swap of section 6b drawn per video and per step. The parameters of the epoch with the best
 * validation Acc@1 are kept when the options ask for it (preset {@code scratch}).
 */
public final class EncoderTrainer {
    /**
     * What to train on.
     *
     * @param stream the stream fed to the encoder (V for the paper's stage 1)
     * @param split how S and C are cut (only used for the foreground/background streams)
     * @param swapProbability probability of the background swap per video and step (0: the paper);
     *     the swap's mask is the split's foreground threshold
     */
    public record Input(ClipBatches.Stream stream, SplitOptions split, double swapProbability) {}

    /**
     * The trained classifier and its history (per epoch: train loss, train Acc@1, val Acc@1).
     *
     * @param finished false when training stopped early ({@link Checkpoint#stopAfter}), as a kill would
     */
    public record Result(PooledClassifier classifier, List<double[]> history, int keptEpoch, boolean finished) {}

    private EncoderTrainer() {}

    /** Logits (N, L) of the classifier on clips, in inference mode, flattened. */
    public static float[] logits(PooledClassifier classifier, NDManager manager, List<StoredClip> clips, Input input,
            int classes, int batchSize) {
        return logits(classifier, manager, streams(clips, input), classes, batchSize);
    }

    /** The input stream of every clip (computed once: the split is the costly part). */
    static List<List<RgbFrame>> streams(List<StoredClip> clips, Input input) {
        List<List<RgbFrame>> out = new ArrayList<>(clips.size());
        for (StoredClip c : clips) {
            out.add(streamOf(c, input));
        }
        return out;
    }

    private static float[] logits(PooledClassifier classifier, NDManager manager, List<List<RgbFrame>> clips,
            int classes, int batchSize) {
        float[] out = new float[clips.size() * classes];
        for (int start = 0; start < clips.size(); start += batchSize) {
            int end = Math.min(clips.size(), start + batchSize);
            try (NDManager step = manager.newSubManager()) {
                List<List<RgbFrame>> batch = new ArrayList<>(clips.subList(start, end));
                NDArray x = ClipBatches.toArray(step, batch);
                float[] l = classifier.forward(new ParameterStore(step, false), new NDList(x), false).head().toFloatArray();
                System.arraycopy(l, 0, out, start * classes, l.length);
            }
        }
        return out;
    }

    private static List<RgbFrame> streamOf(StoredClip c, Input input) {
        if (input.stream() == ClipBatches.Stream.WHOLE) {
            return c.frames();
        }
        return ClipBatches.stream(ClipBatches.split(c, input.split()), input.stream());
    }

    /**
     * Trains the classifier (its encoder must be trainable and initialised).
     *
     * @param train training clips
     * @param val validation clips, or empty
     */
    public static Result train(PooledClassifier classifier, NDManager manager, int classes, List<StoredClip> train,
            List<StoredClip> val, Input input, TrainOptions options, Consumer<String> progress) {
        try {
            return train(classifier, manager, classes, train, val, input, options, null, progress);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // no checkpoint: no file is touched
        }
    }

    /**
     * As {@link #train(PooledClassifier, NDManager, int, List, List, Input, TrainOptions, Consumer)},
     * writing the state after every epoch to {@code checkpoint} (null: none) and resuming from it:
     * the parameters (batch-norm statistics included), Adam's moments, the data-order generator
     * ({@link Trainer.Seeding#CONTINUOUS}), the history and the best epoch's parameters, so a resumed
     * run ends exactly as an uninterrupted one.
     *
     * @throws IOException naming the state file when it cannot be written, or read on resume
     */
    public static Result train(PooledClassifier classifier, NDManager manager, int classes, List<StoredClip> train,
            List<StoredClip> val, Input input, TrainOptions options, Checkpoint checkpoint, Consumer<String> progress)
            throws IOException {
        return train(classifier, manager, classes, TrainingClips.fixed(train), val, input, options, checkpoint, progress);
    }

    /**
     * As {@link #train(PooledClassifier, NDManager, int, List, List, Input, TrainOptions, Checkpoint,
     * Consumer)}, on training clips drawn per epoch ({@link TrainingClips#clip} with the options'
     * seed): random frames and crops when {@code train} augments.
     */
    public static Result train(PooledClassifier classifier, NDManager manager, int classes, TrainingClips train,
            List<StoredClip> val, Input input, TrainOptions options, Checkpoint checkpoint, Consumer<String> progress)
            throws IOException {
        return train(classifier, manager, classes, train, val, input, options, checkpoint, progress,
                Trainer.Seeding.CONTINUOUS);
    }

    /**
     * As {@link #train(PooledClassifier, NDManager, int, TrainingClips, List, Input, TrainOptions,
     * Checkpoint, Consumer)} with the loop's {@code seeding}: {@link Trainer.Seeding#ORDER_ONLY} for
     * an encoder without dropout (the built-in one) trained beside models that draw from the
     * engine's generator.
     */
    public static Result train(PooledClassifier classifier, NDManager manager, int classes, TrainingClips train,
            List<StoredClip> val, Input input, TrainOptions options, Checkpoint checkpoint, Consumer<String> progress,
            Trainer.Seeding seeding) throws IOException {
        if (train.size() == 0) {
            throw new IllegalArgumentException("No training clip");
        }
        Step step = new Step(classifier, manager, classes, train, val, input, options);
        int epochs = options.epochs();
        Trainer.Listener listener = new Trainer.Listener() {
            @Override
            public void onMessage(String message) {
                progress.accept("  " + message);
            }

            @Override
            public void onEpoch(EpochMetrics m) {
                progress.accept(String.format("  stage 1 epoch %d/%d  loss %.4f  acc@1 %.3f%s  (%.1f s)", m.epoch(),
                        epochs, m.loss(), m.acc1(),
                        Double.isNaN(m.valAcc1()) ? "" : String.format("  val acc@1 %.3f", m.valAcc1()), m.seconds()));
            }
        };
        Trainer.Result r = Trainer.fit(step, options, seeding, checkpoint, listener);
        List<double[]> history = new ArrayList<>();
        for (EpochMetrics m : r.history()) {
            history.add(new double[] {m.loss(), m.acc1(), m.valAcc1()});
        }
        return new Result(classifier, history, r.keptEpoch(), r.finished());
    }

    /**
     * Stage 1's step: the classifier on a batch of clip streams (background-swapped with the
     * input's probability, drawn from the loop's generator), updated by one {@link FusedAdam}.
     */
    private static final class Step implements Trainer.Step {
        private final PooledClassifier classifier;
        private final NDManager manager;
        private final int classes;
        private final TrainingClips train;
        private final List<StoredClip> val;
        private final Input input;
        private final TrainOptions options;
        private final FusedAdam adam;
        private final List<Parameter> params = new ArrayList<>();
        private final boolean[] learnable;
        private final long[] trainLabels;
        /** Without the swap a clip's stream never changes: split every clip once, not every epoch. */
        private final List<List<RgbFrame>> fixed;
        private final List<List<RgbFrame>> valStreams;
        private int correct;
        private int epoch;

        Step(PooledClassifier classifier, NDManager manager, int classes, TrainingClips train,
                List<StoredClip> val, Input input, TrainOptions options) {
            this.classifier = classifier;
            this.manager = manager;
            this.classes = classes;
            this.train = train;
            this.val = val;
            this.input = input;
            this.options = options;
            int n = train.size();
            this.adam = TrainStep.adam(options, (n + options.batchSize() - 1) / options.batchSize());
            for (Pair<String, Parameter> p : classifier.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    params.add(p.getValue());
                }
            }
            this.learnable = BlockState.learnable(classifier);
            this.trainLabels = labels(train.evaluationClips());
            this.fixed = input.swapProbability() > 0 || train.varies() ? null : streams(train.evaluationClips(), input);
            this.valStreams = streams(val, input);
        }

        @Override
        public String name() {
            return "stage 1";
        }

        @Override
        public int size() {
            return train.size();
        }

        @Override
        public void beginEpoch(int epoch) {
            correct = 0;
            this.epoch = epoch;
        }

        @Override
        public float step(int[] idx, int from, Random random) {
            int n = train.size();
            List<List<RgbFrame>> clips = new ArrayList<>(idx.length);
            long[] y = new long[idx.length];
            for (int i = 0; i < idx.length; i++) {
                if (fixed != null) {
                    clips.add(fixed.get(idx[i]));
                } else {
                    StoredClip a = train.clip(idx[i], options.seed(), epoch);
                    if (random.nextDouble() < input.swapProbability()) {
                        a = BackgroundSwap.swap(a, train.clip(random.nextInt(n), options.seed(), epoch),
                                input.split().foregroundThreshold());
                    }
                    clips.add(streamOf(a, input));
                }
                y[i] = trainLabels[idx[i]];
            }
            try (NDManager step = manager.newSubManager()) {
                NDArray x = ClipBatches.toArray(step, clips);
                NDArray labels = step.create(y);
                NDArray loss;
                NDArray logits;
                // Per-thread recording: the demo trains several encoders at the same time.
                try (ThreadGradients gc = new ThreadGradients()) {
                    logits = classifier.forward(new ParameterStore(step, false), new NDList(x), true).head();
                    loss = Losses.crossEntropy(logits, labels);
                    gc.backward(loss);
                }
                adam.step(params); // also zeroes the gradients, which the PyTorch engine accumulates
                float l = loss.getFloat();
                long[] pred = logits.argMax(1).toLongArray();
                for (int i = 0; i < y.length; i++) {
                    correct += pred[i] == y[i] ? 1 : 0;
                }
                return l;
            }
        }

        @Override
        public EpochMetrics endEpoch(int epoch, double meanLoss, long startNanos) {
            double valAcc = Double.NaN;
            if (!val.isEmpty()) {
                valAcc = Evaluation.of(logits(classifier, manager, valStreams, classes, 32), labels(val), classes).acc1();
            }
            int n = train.size();
            return new EpochMetrics(epoch + 1, options.learningRateAt(epoch, 0), meanLoss, (double) correct / n,
                    Double.NaN, Double.NaN, valAcc, Double.NaN, (System.nanoTime() - startNanos) / 1e9);
        }

        @Override
        public List<byte[]> snapshot() {
            return List.of(BlockState.snapshot(classifier));
        }

        @Override
        public void restore(List<byte[]> snapshot) throws IOException {
            BlockState.checkBlockCount(snapshot, 1);
            BlockState.restoreTrainable(classifier, manager, snapshot.get(0), learnable);
        }

        @Override
        public void writeOptimiser(DataOutputStream out) throws IOException {
            adam.writeState(out, params);
        }

        @Override
        public void readOptimiser(DataInputStream in) throws IOException {
            adam.readState(in, params);
        }
    }

    static long[] labels(List<StoredClip> clips) {
        long[] y = new long[clips.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = clips.get(i).label();
        }
        return y;
    }
}
