package org.ecrl4j.pipeline;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.nn.Losses;
import org.ecrl4j.nn.backbone.PooledClassifier;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.train.BlockState;
import org.ecrl4j.train.TrainOptions;
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
     * @param swapProbability probability of the background swap per video and step (0: the paper)
     * @param foregroundThreshold the mask threshold of the swap
     */
    public record Input(ClipBatches.Stream stream, SplitOptions split, double swapProbability, int foregroundThreshold) {}

    /** The trained classifier and its history (per epoch: train loss, train Acc@1, val Acc@1). */
    public record Result(PooledClassifier classifier, List<double[]> history, int keptEpoch) {}

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
        int n = train.size();
        if (n == 0) {
            throw new IllegalArgumentException("No training clip");
        }
        int stepsPerEpoch = (n + options.batchSize() - 1) / options.batchSize();
        Optimizer adam = Optimizer.adam()
                .optLearningRateTracker((Tracker) update -> options.learningRateAt((update - 1) / stepsPerEpoch,
                        ((update - 1) % stepsPerEpoch) / (double) stepsPerEpoch))
                .optWeightDecays(options.weightDecay())
                .build();
        List<Parameter> params = new ArrayList<>();
        for (Pair<String, Parameter> p : classifier.getParameters()) {
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
        long[] trainLabels = labels(train);
        // Without the swap a clip's stream never changes: split every clip once, not every epoch.
        List<List<RgbFrame>> fixed = input.swapProbability() > 0 ? null : streams(train, input);
        List<List<RgbFrame>> valStreams = streams(val, input);
        for (int epoch = 0; epoch < options.epochs(); epoch++) {
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
                    StoredClip a = train.get(perm[i]);
                    List<RgbFrame> frames = fixed != null ? fixed.get(perm[i]) : streamOf(a, input);
                    if (input.swapProbability() > 0 && random.nextDouble() < input.swapProbability()) {
                        StoredClip b = train.get(random.nextInt(n));
                        List<RgbFrame> composite = BackgroundSwap.composite(a.frames(), a.saliency(), b.frames(),
                                input.foregroundThreshold());
                        frames = input.stream() == ClipBatches.Stream.WHOLE ? composite
                                : streamOf(new StoredClip(a.sample(), a.label(), a.frameIndices(), composite,
                                        a.saliency()), input);
                    }
                    clips.add(frames);
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
                    for (Parameter p : params) {
                        NDArray w = p.getArray();
                        NDArray g = w.getGradient();
                        g.attach(step);
                        adam.update(p.getId(), w, g);
                        g.subi(g);
                    }
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
        }
        if (options.keepBest() && best != null && bestEpoch != options.epochs()) {
            BlockState.restore(classifier, manager, best);
            progress.accept("  kept stage-1 epoch " + bestEpoch + " (val acc@1 " + String.format("%.3f", bestAcc) + ")");
        }
        return new Result(classifier, history, bestEpoch);
    }

    static long[] labels(List<StoredClip> clips) {
        long[] y = new long[clips.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = clips.get(i).label();
        }
        return y;
    }



}
