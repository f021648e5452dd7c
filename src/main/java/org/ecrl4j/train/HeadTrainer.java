package org.ecrl4j.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.dictionary.ConfounderDictionary;
import org.ecrl4j.dictionary.DictionaryBuilder;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.nn.GlcaStream;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.nn.HeadShape;
import org.ecrl4j.util.ChecksummedFile;

/**
 * Trains an ECRL head on cached features (the frozen-backbone mode of MODEL.md section 5): builds
 * the confounder dictionary and the start of G from the training features, then runs the
 * {@link Trainer} loop with the head's {@link TrainStep} (Adam with weight decay and the chosen
 * schedule). One seed fixes initialisation, data order and dropout.
 */
public final class HeadTrainer {
    /** The checkpoint file's usual name in a checkpoint folder; the dictionary is written beside it. */
    public static final String STATE_FILE = "head-state.bin";

    /**
     * What training produced.
     *
     * @param model the trained head (the best epoch's when the options keep the best); null when
     *     training stopped early
     * @param history the per-epoch metrics, resumed ones included
     * @param bestEpoch the epoch whose parameters the model holds
     * @param finished false when training stopped after {@link Checkpoint#stopAfter} epochs
     */
    public record Result(HeadModel model, List<EpochMetrics> history, int bestEpoch, boolean finished) {
        /** A finished run. */
        public Result(HeadModel model, List<EpochMetrics> history, int bestEpoch) {
            this(model, history, bestEpoch, true);
        }
    }

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
     * Trains a head without a checkpoint, with {@link Trainer.Seeding#CONTINUOUS} seeding.
     *
     * @param train training features
     * @param val validation features, or null
     * @param classes L
     */
    public static Result train(FeatureSet train, FeatureSet val, HeadConfig config, int classes,
            TrainOptions options, Trainer.Listener listener) {
        try {
            return train(train, val, config, classes, options, Trainer.Seeding.CONTINUOUS, null, listener);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // no checkpoint: no file is touched
        }
    }

    /**
     * Trains (or resumes) a head, writing a checkpoint after every epoch when {@code checkpoint} is
     * not null. The confounder dictionary is written once beside the checkpoint file
     * ({@link HeadModel#DICTIONARY_FILE}) and read back on resume; G is a parameter of the head.
     *
     * @param seeding {@link Trainer.Seeding#PER_EPOCH} makes a resumed run end exactly as an
     *     uninterrupted one (the head has dropout)
     * @throws IOException naming the checkpoint when it cannot be written, or read on resume
     */
    public static Result train(FeatureSet train, FeatureSet val, HeadConfig config, int classes,
            TrainOptions options, Trainer.Seeding seeding, Checkpoint checkpoint, Trainer.Listener listener)
            throws IOException {
        if (train.count() == 0) {
            throw new IllegalArgumentException("The training set is empty");
        }
        if (train.classesSeen() > classes) {
            throw new IllegalArgumentException("Training labels go up to " + (train.classesSeen() - 1)
                    + " but only " + classes + " classes were given");
        }
        HeadShape shape = new HeadShape(train.frames(), train.width(), classes);
        Path dictFile = checkpoint == null ? null : checkpoint.file().resolveSibling(HeadModel.DICTIONARY_FILE);
        HeadModel model;
        if (checkpoint != null && checkpoint.resuming()) {
            ConfounderDictionary z = config.backdoor() ? HeadModel.loadDictionary(dictFile, config.dictionary(),
                    ChecksummedFile.CHECKPOINT) : null;
            model = HeadModel.create(config, shape, z, null, options.seed());
        } else {
            long t0 = System.nanoTime();
            Pair<ConfounderDictionary, float[][]> dicts = buildDictionaries(train, config, classes, options.seed());
            if (dicts.getKey() != null || dicts.getValue() != null) {
                listener.onMessage(String.format("dictionaries built in %.1f s (%s)", (System.nanoTime() - t0) / 1e9,
                        (dicts.getKey() != null ? "Z: " + dicts.getKey().size() + " entries" : "no Z")
                                + (dicts.getValue() != null ? ", G: " + dicts.getValue().length + " entries" : "")));
            }
            if (checkpoint != null && dicts.getKey() != null) {
                Files.createDirectories(dictFile.toAbsolutePath().getParent());
                HeadModel.saveDictionary(dicts.getKey(), dictFile);
            }
            model = HeadModel.create(config, shape, dicts.getKey(), dicts.getValue(), options.seed());
        }
        try {
            Trainer.Result r = Trainer.fit(new Step(model, train, val, options), options, seeding, checkpoint,
                    listener);
            if (!r.finished()) {
                model.close();
                return new Result(null, r.history(), r.keptEpoch(), false);
            }
            return new Result(model, r.history(), r.keptEpoch(), true);
        } catch (RuntimeException | IOException e) {
            model.close();
            throw e;
        }
    }

    /** The head's step: a {@link TrainStep} on a batch of cached features. */
    private static final class Step implements Trainer.Step {
        private final HeadModel model;
        private final FeatureSet train;
        private final FeatureSet val;
        private final TrainOptions options;
        private final TrainStep step;
        private final boolean[] learnable;
        private final long[] labels;
        private final int classes;
        private float[] trainLogits;
        private long[] trainLabels;

        Step(HeadModel model, FeatureSet train, FeatureSet val, TrainOptions options) {
            if (val != null) {
                model.checkCompatible(val, "validation features");
            }
            this.model = model;
            this.train = train;
            this.val = val;
            this.options = options;
            int n = train.count();
            this.step = new TrainStep(model, TrainStep.adam(options, (n + options.batchSize() - 1) / options.batchSize()));
            this.learnable = BlockState.learnable(model.head());
            this.labels = train.labels();
            this.classes = model.shape().classes();
        }

        @Override
        public String name() {
            return "the head";
        }

        @Override
        public int size() {
            return train.count();
        }

        @Override
        public void beginEpoch(int epoch) {
            trainLogits = new float[train.count() * classes];
            trainLabels = new long[train.count()];
        }

        @Override
        public float step(int[] idx, int from, Random random) {
            try (NDManager stepManager = model.manager().newSubManager()) {
                NDList batch = train.batch(stepManager, idx);
                TrainStep.Output out = step.run(stepManager, new NDList(batch.get(0), batch.get(1), batch.get(2)),
                        batch.get(3));
                float l = out.loss().getFloat();
                float[] lg = out.logits().toFloatArray();
                for (int i = 0; i < idx.length; i++) {
                    System.arraycopy(lg, i * classes, trainLogits, (from + i) * classes, classes);
                    trainLabels[from + i] = labels[idx[i]];
                }
                return l;
            }
        }

        @Override
        public EpochMetrics endEpoch(int epoch, double meanLoss, long startNanos) {
            return epochMetrics(epoch, options, model, meanLoss, trainLogits, trainLabels, val, startNanos);
        }

        @Override
        public List<byte[]> snapshot() {
            return List.of(BlockState.snapshot(model.head()));
        }

        @Override
        public void restore(List<byte[]> snapshot) throws IOException {
            BlockState.checkBlockCount(snapshot, 1);
            BlockState.restoreTrainable(model.head(), model.manager(), snapshot.get(0), learnable);
        }

        @Override
        public void writeOptimiser(DataOutputStream out) throws IOException {
            step.writeState(out);
        }

        @Override
        public void readOptimiser(DataInputStream in) throws IOException {
            step.readState(in);
        }
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
