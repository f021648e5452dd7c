package org.ecrl4j.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.dictionary.ConfounderDictionary;
import org.ecrl4j.dictionary.DictionaryBuilder;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.nn.GlcaStream;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.nn.HeadShape;

/**
 * Trains an ECRL head on cached features (the frozen-backbone mode of MODEL.md section 5): builds
 * the confounder dictionary and the start of G from the training features, then runs Adam with
 * weight decay and the chosen schedule. One seed fixes initialisation, data order and dropout.
 */
public final class HeadTrainer {
    /** Receives progress; the CLI prints it. */
    public interface Listener {
        void onMessage(String message);

        void onEpoch(EpochMetrics metrics);

        /** A listener that ignores everything. */
        Listener SILENT = new Listener() {
            @Override
            public void onMessage(String message) {}

            @Override
            public void onEpoch(EpochMetrics metrics) {}
        };
    }

    /** What training produced: the model and the per-epoch history. */
    public record Result(HeadModel model, List<EpochMetrics> history, int bestEpoch) {}

    private HeadTrainer() {}

    /**
     * Builds the dictionaries of a configuration from training features.
     *
     * @return the confounder dictionary (null without BD) and the start of G (null without GLCA)
     */
    public static Pair<ConfounderDictionary, float[][]> buildDictionaries(FeatureSet train, HeadConfig config,
            int classes, long seed) {
        int[] labels = new int[train.count()];
        long[] l = train.labels();
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (int) l[i];
        }
        ConfounderDictionary z = null;
        if (config.backdoor()) {
            z = DictionaryBuilder.build(config.dictionary(), train.pooled(FeatureSet.VIDEO),
                    train.pooled(FeatureSet.BACKGROUND), labels, classes, config.confounders(), seed);
        }
        float[][] g = null;
        if (config.frontdoor()) {
            String stream = config.glcaStream() == GlcaStream.S ? FeatureSet.FOREGROUND : FeatureSet.VIDEO;
            g = DictionaryBuilder.globalDictionary(train.frameRows(stream), config.globalEntries(), seed);
        }
        return new Pair<>(z, g);
    }

    /**
     * Trains a head.
     *
     * @param train training features
     * @param val validation features, or null
     * @param classes L
     */
    public static Result train(FeatureSet train, FeatureSet val, HeadConfig config, int classes,
            TrainOptions options, Listener listener) {
        if (train.count() == 0) {
            throw new IllegalArgumentException("The training set is empty");
        }
        if (train.classesSeen() > classes) {
            throw new IllegalArgumentException("Training labels go up to " + (train.classesSeen() - 1)
                    + " but only " + classes + " classes were given");
        }
        HeadShape shape = new HeadShape(train.frames(), train.width(), classes);
        long t0 = System.nanoTime();
        Pair<ConfounderDictionary, float[][]> dicts = buildDictionaries(train, config, classes, options.seed());
        if (dicts.getKey() != null || dicts.getValue() != null) {
            listener.onMessage(String.format("dictionaries built in %.1f s (%s)", (System.nanoTime() - t0) / 1e9,
                    (dicts.getKey() != null ? "Z: " + dicts.getKey().size() + " entries" : "no Z")
                            + (dicts.getValue() != null ? ", G: " + dicts.getValue().length + " entries" : "")));
        }
        HeadModel model = HeadModel.create(config, shape, dicts.getKey(), dicts.getValue(), options.seed());
        try {
            return run(model, train, val, options, listener);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static Result run(HeadModel model, FeatureSet train, FeatureSet val, TrainOptions options,
            Listener listener) {
        if (val != null) {
            model.checkCompatible(val, "validation features");
        }
        int n = train.count();
        int stepsPerEpoch = (n + options.batchSize() - 1) / options.batchSize();
        TrainStep step = new TrainStep(model, TrainStep.adam(options, stepsPerEpoch));
        Random order = new Random(options.seed());
        Engine.getInstance().setRandomSeed((int) options.seed() + 1);
        List<EpochMetrics> history = new ArrayList<>();
        byte[] best = null;
        double bestAcc = -1;
        int bestEpoch = -1;
        int classes = model.shape().classes();
        long[] labels = train.labels();
        for (int epoch = 0; epoch < options.epochs(); epoch++) {
            long start = System.nanoTime();
            int[] perm = BlockState.permutation(n, order);
            double lossSum = 0;
            float[] trainLogits = new float[n * classes];
            long[] trainLabels = new long[n];
            for (int s = 0; s < stepsPerEpoch; s++) {
                int from = s * options.batchSize();
                int[] idx = java.util.Arrays.copyOfRange(perm, from, Math.min(n, from + options.batchSize()));
                try (NDManager stepManager = model.manager().newSubManager()) {
                    NDList batch = train.batch(stepManager, idx);
                    TrainStep.Output out = step.run(stepManager, new NDList(batch.get(0), batch.get(1), batch.get(2)),
                            batch.get(3));
                    NDArray loss = out.loss();
                    NDArray logits = out.logits();
                    float l = loss.getFloat();
                    if (!Float.isFinite(l)) {
                        throw new IllegalStateException("Training diverged: loss is " + l + " at epoch " + (epoch + 1)
                                + "; lower the learning rate (--lr)");
                    }
                    lossSum += l * idx.length;
                    float[] lg = logits.toFloatArray();
                    for (int i = 0; i < idx.length; i++) {
                        System.arraycopy(lg, i * classes, trainLogits, (from + i) * classes, classes);
                        trainLabels[from + i] = labels[idx[i]];
                    }
                }
            }
            EpochMetrics m = epochMetrics(epoch, options, model, lossSum / n, trainLogits, trainLabels, val, start);
            history.add(m);
            listener.onEpoch(m);
            double score = Double.isNaN(m.valAcc1()) ? m.acc1() : m.valAcc1();
            if (options.keepBest() && score >= bestAcc) { // ties: the later epoch, which has trained longer
                bestAcc = score;
                bestEpoch = epoch + 1;
                best = BlockState.snapshot(model.head());
            }
        }
        if (options.keepBest() && best != null && bestEpoch != options.epochs()) {
            BlockState.restore(model.head(), model.manager(), best);
            listener.onMessage("kept the parameters of epoch " + bestEpoch + " (best validation Acc@1 "
                    + String.format("%.3f", bestAcc) + ")");
        } else {
            bestEpoch = options.epochs();
        }
        return new Result(model, history, bestEpoch);
    }

    /**
     * The metrics of one finished epoch: train loss and accuracy from the epoch's own logits,
     * validation loss and accuracy from an inference pass over {@code val} (NaN without one).
     */
    public static EpochMetrics epochMetrics(int epoch, TrainOptions options, HeadModel model, double meanLoss,
            float[] trainLogits, long[] trainLabels, FeatureSet val, long startNanos) {
        int classes = model.shape().classes();
        Evaluation tr = Evaluation.of(trainLogits, trainLabels, classes);
        double valLoss = Double.NaN;
        double valAcc1 = Double.NaN;
        double valAcc5 = Double.NaN;
        if (val != null && val.count() > 0) {
            float[] vl = model.logits(val, 64);
            Evaluation ve = Evaluation.of(vl, val.labels(), classes);
            valLoss = meanCrossEntropy(vl, val.labels(), classes);
            valAcc1 = ve.acc1();
            valAcc5 = ve.acc5();
        }
        return new EpochMetrics(epoch + 1, options.learningRateAt(epoch, 0), meanLoss, tr.acc1(), tr.acc5(), valLoss,
                valAcc1, valAcc5, (System.nanoTime() - startNanos) / 1e9);
    }

    static double meanCrossEntropy(float[] logits, long[] labels, int classes) {
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[i * classes + c]);
            }
            double z = 0;
            for (int c = 0; c < classes; c++) {
                z += Math.exp(logits[i * classes + c] - max);
            }
            sum += Math.log(z) + max - logits[i * classes + (int) labels[i]];
        }
        return labels.length == 0 ? Double.NaN : sum / labels.length;
    }



}
