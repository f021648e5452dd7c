package org.ecrl4j.pipeline;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.nn.Losses;
import org.ecrl4j.nn.backbone.PooledClassifier;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.train.BlockState;
import org.ecrl4j.train.FusedAdam;
import org.ecrl4j.train.TrainOptions;
import org.ecrl4j.train.TrainStep;
import org.ecrl4j.util.ChecksummedFile;
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
     * Where the state is written after every epoch, so that a killed run resumes exactly.
     *
     * @param file the state file (replaced atomically after each epoch)
     * @param fingerprint identifies the run's configuration; a state written by another is refused
     * @param resume continue from the file when it exists (else an existing file is an error)
     * @param stopAfter stop after this many epochs in total, as a kill would (tests; 0: never)
     */
    public record Checkpoint(Path file, String fingerprint, boolean resume, int stopAfter) {}

    private static final String MAGIC = "ECRL4J-stage1-checkpoint";
    private static final int VERSION = 1;

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
     * the parameters (batch-norm statistics included), Adam's moments, the data-order generator, the
     * history and the best epoch's parameters, so a resumed run ends exactly as an uninterrupted one.
     *
     * @throws IOException naming the state file when it cannot be written, or read on resume
     */
    public static Result train(PooledClassifier classifier, NDManager manager, int classes, List<StoredClip> train,
            List<StoredClip> val, Input input, TrainOptions options, Checkpoint checkpoint, Consumer<String> progress)
            throws IOException {
        int n = train.size();
        if (n == 0) {
            throw new IllegalArgumentException("No training clip");
        }
        int stepsPerEpoch = (n + options.batchSize() - 1) / options.batchSize();
        FusedAdam adam = TrainStep.adam(options, stepsPerEpoch);
        List<Parameter> params = new ArrayList<>();
        List<Boolean> learnable = new ArrayList<>();
        for (Pair<String, Parameter> p : classifier.getParameters()) {
            learnable.add(p.getValue().requiresGradient());
            if (p.getValue().requiresGradient()) {
                params.add(p.getValue());
            }
        }
        Random random = new Random(options.seed());
        Engine.getInstance().setRandomSeed((int) options.seed() + 1);
        List<double[]> history = new ArrayList<>();
        byte[] best = null;
        double bestAcc = -1;
        int bestEpoch = options.epochs();
        int first = 0;
        if (checkpoint != null && Files.isRegularFile(checkpoint.file())) {
            if (!checkpoint.resume()) {
                throw new IOException(checkpoint.file() + " already holds a stage-1 checkpoint; pass --resume to"
                        + " continue that run or choose another --out");
            }
            try (DataInputStream in = new DataInputStream(ChecksummedFile.open(checkpoint.file(),
                    ChecksummedFile.CHECKPOINT))) {
                if (!MAGIC.equals(in.readUTF()) || in.readInt() != VERSION) {
                    throw new IOException(checkpoint.file() + ": not a stage-1 checkpoint of this version; delete it"
                            + " to restart stage 1");
                }
                if (!checkpoint.fingerprint().equals(in.readUTF())) {
                    throw new IOException(checkpoint.file() + ": the checkpoint was written by a run with another"
                            + " configuration; resume with the same options or choose another --out");
                }
                first = in.readInt();
                random = (Random) new ObjectInputStream(new ByteArrayInputStream(BlockState.readBlock(in, "stage-1 checkpoint"))).readObject();
                restore(classifier, manager, BlockState.readBlock(in, "stage-1 checkpoint"), learnable);
                adam.readState(in, params);
                int h = in.readInt();
                for (int i = 0; i < h; i++) {
                    history.add(new double[] {in.readDouble(), in.readDouble(), in.readDouble()});
                }
                bestAcc = in.readDouble();
                bestEpoch = in.readInt();
                byte[] b = BlockState.readBlock(in, "stage-1 checkpoint");
                best = b.length == 0 ? null : b;
            } catch (ClassNotFoundException | ClassCastException e) {
                throw new IOException(checkpoint.file() + ": corrupt stage-1 checkpoint; delete it to restart stage 1",
                        e);
            } catch (java.io.EOFException e) {
                throw new IOException(checkpoint.file() + ": truncated stage-1 checkpoint; delete it to restart stage 1",
                        e);
            }
            progress.accept("  resuming stage 1 after epoch " + first + " of " + options.epochs());
        }
        long[] trainLabels = labels(train);
        // Without the swap a clip's stream never changes: split every clip once, not every epoch.
        List<List<RgbFrame>> fixed = input.swapProbability() > 0 ? null : streams(train, input);
        List<List<RgbFrame>> valStreams = streams(val, input);
        for (int epoch = first; epoch < options.epochs(); epoch++) {
            if (checkpoint != null && checkpoint.stopAfter() > 0 && epoch >= checkpoint.stopAfter()) {
                return new Result(classifier, history, bestEpoch, false);
            }
            long t0 = System.nanoTime();
            int[] perm = BlockState.permutation(n, random);
            double lossSum = 0;
            int correct = 0;
            for (int s = 0; s < stepsPerEpoch; s++) {
                int from = s * options.batchSize();
                int to = Math.min(n, from + options.batchSize());
                List<List<RgbFrame>> clips = new ArrayList<>();
                long[] y = new long[to - from];
                for (int i = from; i < to; i++) {
                    if (fixed != null) {
                        clips.add(fixed.get(perm[i]));
                    } else {
                        StoredClip a = train.get(perm[i]);
                        if (random.nextDouble() < input.swapProbability()) {
                            a = BackgroundSwap.swap(a, train.get(random.nextInt(n)), input.split().foregroundThreshold());
                        }
                        clips.add(streamOf(a, input));
                    }
                    y[i - from] = trainLabels[perm[i]];
                }
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = ClipBatches.toArray(step, clips);
                    NDArray labels = step.create(y);
                    NDArray loss;
                    NDArray logits;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        logits = classifier.forward(new ParameterStore(step, false), new NDList(x), true).head();
                        loss = Losses.crossEntropy(logits, labels);
                        gc.backward(loss);
                    }
                    adam.step(params); // also zeroes the gradients, which the PyTorch engine accumulates
                    float l = loss.getFloat();
                    if (!Float.isFinite(l)) {
                        throw new IllegalStateException("Stage-1 training diverged: loss " + l + " at epoch "
                                + (epoch + 1) + "; lower the learning rate");
                    }
                    lossSum += l * y.length;
                    long[] pred = logits.argMax(1).toLongArray();
                    for (int i = 0; i < y.length; i++) {
                        correct += pred[i] == y[i] ? 1 : 0;
                    }
                }
            }
            double valAcc = Double.NaN;
            if (!val.isEmpty()) {
                valAcc = Evaluation.of(logits(classifier, manager, valStreams, classes, 32), labels(val), classes).acc1();
            }
            history.add(new double[] {lossSum / n, (double) correct / n, valAcc});
            progress.accept(String.format("  stage 1 epoch %d/%d  loss %.4f  acc@1 %.3f%s  (%.1f s)", epoch + 1,
                    options.epochs(), lossSum / n, (double) correct / n,
                    Double.isNaN(valAcc) ? "" : String.format("  val acc@1 %.3f", valAcc), (System.nanoTime() - t0) / 1e9));
            double score = Double.isNaN(valAcc) ? (double) correct / n : valAcc;
            if (options.keepBest() && score >= bestAcc) { // ties: the later epoch, which has trained longer
                bestAcc = score;
                bestEpoch = epoch + 1;
                best = BlockState.snapshot(classifier);
            }
            if (checkpoint != null) {
                write(checkpoint, epoch + 1, random, classifier, adam, params, history, bestAcc, bestEpoch, best);
            }
        }
        if (options.keepBest() && best != null && bestEpoch != options.epochs()) {
            restore(classifier, manager, best, learnable);
            progress.accept("  kept stage-1 epoch " + bestEpoch + " (val acc@1 " + String.format("%.3f", bestAcc) + ")");
        }
        return new Result(classifier, history, bestEpoch, true);
    }

    private static void write(Checkpoint c, int epoch, Random random, PooledClassifier classifier, FusedAdam adam,
            List<Parameter> params, List<double[]> history, double bestAcc, int bestEpoch, byte[] best)
            throws IOException {
        ByteArrayOutputStream rng = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(rng)) {
            o.writeObject(random);
        }
        byte[] now = BlockState.snapshot(classifier);
        ChecksummedFile.write(c.file(), raw -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw));
            out.writeUTF(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(c.fingerprint());
            out.writeInt(epoch);
            BlockState.writeBlock(out, rng.toByteArray());
            BlockState.writeBlock(out, now);
            adam.writeState(out, params);
            out.writeInt(history.size());
            for (double[] h : history) {
                for (double v : h) {
                    out.writeDouble(v);
                }
            }
            out.writeDouble(bestAcc);
            out.writeInt(bestEpoch);
            BlockState.writeBlock(out, best == null ? new byte[0] : best);
            out.flush();
        });
    }

    /** Puts back a snapshot, with the gradients of the parameters that had one. */
    private static void restore(PooledClassifier classifier, NDManager manager, byte[] snapshot, List<Boolean> learnable) {
        BlockState.restore(classifier, manager, snapshot);
        int k = 0;
        for (Pair<String, Parameter> p : classifier.getParameters()) {
            if (learnable.get(k++)) { // loaded arrays come without their gradient
                p.getValue().getArray().setRequiresGradient(true);
            }
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
