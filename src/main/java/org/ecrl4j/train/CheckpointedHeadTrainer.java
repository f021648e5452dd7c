package org.ecrl4j.train;

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
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.dictionary.ConfounderDictionary;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.nn.HeadShape;
import org.ecrl4j.nn.Losses;
import org.ecrl4j.util.ChecksummedFile;

/**
 * Trains an ECRL head on cached features like {@link HeadTrainer}, writing a checkpoint after
 * every epoch so that a killed run can be resumed and end exactly where an uninterrupted one ends.
 *
 * <p>What makes resuming exact: the checkpoint holds the parameters, Adam's moments and step count,
 * the history and the best epoch's parameters; the data order and the engine's dropout generator
 * are re-seeded at the start of every epoch from (seed, epoch), so no generator state has to be
 * saved. Adam runs here on the host (float arrays), which makes its state plain data. The result is
 * numerically close to, but not bit-identical with, {@link HeadTrainer}'s.
 *
 * <p>Checkpoint folder: {@code dictionary.npz} (Z and p, written once) and {@code head-state.bin}
 * (replaced atomically after each epoch).
 */
public final class CheckpointedHeadTrainer {
    /** The checkpoint file in the checkpoint folder. */
    public static final String STATE_FILE = "head-state.bin";
    private static final String MAGIC = "ECRL4J-head-checkpoint";
    private static final int VERSION = 1;
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    /**
     * What training produced.
     *
     * @param model the trained head (the best epoch's when the options keep the best); null when the
     *     run stopped early
     * @param history metrics of every epoch trained so far, resumed ones included
     * @param bestEpoch the epoch whose parameters the model holds
     * @param finished false when training stopped after {@code stopAfter} epochs (a simulated kill)
     */
    public record Result(HeadModel model, List<EpochMetrics> history, int bestEpoch, boolean finished) {}

    private CheckpointedHeadTrainer() {}

    /**
     * Trains (or resumes) a head.
     *
     * @param fingerprint a text identifying the run's configuration; a checkpoint written with
     *     another fingerprint is refused
     * @param checkpoints the checkpoint folder
     * @param resume continue from the checkpoint when there is one (else a checkpoint there is an error)
     * @param stopAfter stop after this many epochs in total, as a kill would (0: never)
     */
    public static Result train(FeatureSet train, FeatureSet val, HeadConfig config, int classes,
            TrainOptions options, String fingerprint, Path checkpoints, boolean resume, int stopAfter,
            HeadTrainer.Listener listener) throws IOException {
        if (train.count() == 0) {
            throw new IllegalArgumentException("The training set is empty");
        }
        if (train.classesSeen() > classes) {
            throw new IllegalArgumentException("Training labels go up to " + (train.classesSeen() - 1)
                    + " but only " + classes + " classes were given");
        }
        HeadShape shape = new HeadShape(train.frames(), train.width(), classes);
        Files.createDirectories(checkpoints);
        Path stateFile = checkpoints.resolve(STATE_FILE);
        Path dictFile = checkpoints.resolve(HeadModel.DICTIONARY_FILE);
        State state = null;
        if (Files.isRegularFile(stateFile)) {
            if (!resume) {
                throw new IOException(checkpoints + " already holds a checkpoint; pass --resume to continue that run"
                        + " or choose another --out");
            }
            state = State.read(stateFile, fingerprint);
            listener.onMessage("resuming the head after epoch " + state.epoch + " of " + options.epochs());
        }
        HeadModel model;
        if (state == null) {
            Pair<ConfounderDictionary, float[][]> dicts = HeadTrainer.buildDictionaries(train, config, classes,
                    options.seed());
            if (dicts.getKey() != null) {
                HeadModel.saveDictionary(dicts.getKey(), dictFile);
            }
            model = HeadModel.create(config, shape, dicts.getKey(), dicts.getValue(), options.seed());
        } else {
            ConfounderDictionary z = config.backdoor() ? HeadModel.loadDictionary(dictFile, config.dictionary(),
                    ChecksummedFile.CHECKPOINT) : null;
            model = HeadModel.create(config, shape, z, null, options.seed());
            load(model, state.params);
        }
        try {
            return run(model, train, val, options, state, fingerprint, stateFile, stopAfter, listener);
        } catch (RuntimeException | IOException e) {
            model.close();
            throw e;
        }
    }

    private static Result run(HeadModel model, FeatureSet train, FeatureSet val, TrainOptions options, State resumed,
            String fingerprint, Path stateFile, int stopAfter, HeadTrainer.Listener listener) throws IOException {
        if (val != null) {
            model.checkCompatible(val, "validation features");
        }
        List<Parameter> params = new ArrayList<>();
        for (Pair<String, Parameter> p : model.head().getParameters()) {
            if (p.getValue().requiresGradient()) {
                params.add(p.getValue());
            }
        }
        State s = resumed != null ? resumed : State.fresh(params, fingerprint);
        if (s.means.length != params.size()) {
            throw new IOException(stateFile + ": the checkpoint holds " + s.means.length + " optimiser slots but the"
                    + " head has " + params.size() + " parameters; it belongs to another configuration");
        }
        ai.djl.training.optimizer.Optimizer apply = ai.djl.training.optimizer.Optimizer.sgd()
                .setLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(1f)).optWeightDecays(0f).build();
        int n = train.count();
        int stepsPerEpoch = (n + options.batchSize() - 1) / options.batchSize();
        int classes = model.shape().classes();
        long[] labels = train.labels();
        for (int epoch = s.epoch; epoch < options.epochs(); epoch++) {
            if (stopAfter > 0 && epoch >= stopAfter) {
                model.close();
                return new Result(null, s.history, s.bestEpoch, false);
            }
            long start = System.nanoTime();
            Random order = new Random(options.seed() * 1_000_003L + epoch);
            Engine.getInstance().setRandomSeed((int) (options.seed() * 7919L + epoch + 1));
            int[] perm = BlockState.permutation(n, order);
            double lossSum = 0;
            float[] trainLogits = new float[n * classes];
            long[] trainLabels = new long[n];
            for (int step = 0; step < stepsPerEpoch; step++) {
                int from = step * options.batchSize();
                int[] idx = Arrays.copyOfRange(perm, from, Math.min(n, from + options.batchSize()));
                try (NDManager stepManager = model.manager().newSubManager()) {
                    NDList batch = train.batch(stepManager, idx);
                    NDArray loss;
                    NDArray logits;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDList out = model.head().forward(new ParameterStore(stepManager, false),
                                new NDList(batch.get(0), batch.get(1), batch.get(2)), true);
                        logits = out.get("logits");
                        loss = Losses.crossEntropy(logits, batch.get(3));
                        gc.backward(loss);
                    }
                    s.steps++;
                    float lr = options.learningRateAt(epoch, step / (double) stepsPerEpoch);
                    for (int i = 0; i < params.size(); i++) {
                        NDArray weight = params.get(i).getArray();
                        NDArray grad = weight.getGradient();
                        float[] w = weight.toFloatArray();
                        float[] delta = w.clone();
                        adam(w, grad.toFloatArray(), s.means[i], s.variances[i], lr, options.weightDecay(), s.steps);
                        for (int j = 0; j < w.length; j++) {
                            delta[j] -= w[j];
                        }
                        // The engine applies the host-computed step (plain SGD, rate 1, w -= delta) in place,
                        // which keeps the parameter a leaf that takes gradients.
                        NDArray d = stepManager.create(delta, weight.getShape());
                        apply.update(params.get(i).getId(), weight, d);
                        grad.subi(grad); // gradients accumulate in the PyTorch engine
                    }
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
            EpochMetrics m = HeadTrainer.epochMetrics(epoch, options, model, lossSum / n, trainLogits, trainLabels, val, start);
            s.history.add(m);
            listener.onEpoch(m);
            double score = Double.isNaN(m.valAcc1()) ? m.acc1() : m.valAcc1();
            if (options.keepBest() && score >= s.bestScore) { // ties: the later epoch, as HeadTrainer
                s.bestScore = score;
                s.bestEpoch = epoch + 1;
                s.best = BlockState.snapshot(model.head());
            }
            s.epoch = epoch + 1;
            s.params = BlockState.snapshot(model.head());
            s.write(stateFile);
        }
        int kept = options.epochs();
        if (options.keepBest() && s.best != null && s.bestEpoch != options.epochs()) {
            load(model, s.best);
            kept = s.bestEpoch;
            listener.onMessage("kept the parameters of epoch " + kept + " (best validation Acc@1 "
                    + String.format("%.3f", s.bestScore) + ")");
        }
        return new Result(model, s.history, kept, true);
    }

    /**
     * One Adam step with L2 weight decay added to the gradient (as DJL's Adam), in place.
     *
     * @param t the 1-based step count (bias correction)
     */
    static void adam(float[] w, float[] g, float[] m, float[] v, float lr, float weightDecay, long t) {
        double correction = Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
        float rate = (float) (lr * correction);
        for (int i = 0; i < w.length; i++) {
            float gi = g[i] + weightDecay * w[i];
            m[i] = BETA1 * m[i] + (1 - BETA1) * gi;
            v[i] = BETA2 * v[i] + (1 - BETA2) * gi * gi;
            w[i] -= rate * m[i] / ((float) Math.sqrt(v[i]) + EPSILON);
        }
    }


    private static void load(HeadModel model, byte[] params) throws IOException {
        try {
            model.head().loadParameters(model.manager(), new DataInputStream(new ByteArrayInputStream(params)));
            for (Pair<String, Parameter> p : model.head().getParameters()) {
                if (p.getValue().requiresGradient()) { // loaded arrays come without their gradient
                    p.getValue().getArray().setRequiresGradient(true);
                }
            }
        } catch (ai.djl.MalformedModelException | RuntimeException e) {
            throw new IOException("the head checkpoint does not fit this configuration: " + e.getMessage(), e);
        }
    }

    /** Everything a resumed run needs, as plain data. */
    private static final class State {
        final String fingerprint;
        int epoch;
        long steps;
        byte[] params;
        float[][] means;
        float[][] variances;
        List<EpochMetrics> history = new ArrayList<>();
        double bestScore = -1;
        int bestEpoch = -1;
        byte[] best;

        State(String fingerprint) {
            this.fingerprint = fingerprint;
        }

        static State fresh(List<Parameter> params, String fingerprint) {
            State s = new State(fingerprint);
            s.means = new float[params.size()][];
            s.variances = new float[params.size()][];
            for (int i = 0; i < params.size(); i++) {
                int size = Math.toIntExact(params.get(i).getArray().size());
                s.means[i] = new float[size];
                s.variances[i] = new float[size];
            }
            return s;
        }

        void write(Path file) throws IOException {
            ChecksummedFile.write(file, raw -> {
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw));
                out.writeUTF(MAGIC);
                out.writeInt(VERSION);
                BlockState.writeBlock(out, fingerprint.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.writeInt(epoch);
                out.writeLong(steps);
                BlockState.writeBlock(out, params);
                out.writeInt(means.length);
                for (int i = 0; i < means.length; i++) {
                    writeFloats(out, means[i]);
                    writeFloats(out, variances[i]);
                }
                BlockState.writeBlock(out, RunFolder.json().writeValueAsBytes(history));
                out.writeDouble(bestScore);
                out.writeInt(bestEpoch);
                BlockState.writeBlock(out, best == null ? new byte[0] : best);
                out.flush();
            });
        }

        static State read(Path file, String expectedFingerprint) throws IOException {
            try (InputStream raw = ChecksummedFile.open(file, ChecksummedFile.CHECKPOINT)) {
                DataInputStream in = new DataInputStream(raw);
                if (!MAGIC.equals(in.readUTF()) || in.readInt() != VERSION) {
                    throw new IOException(file + ": not a head checkpoint of this version; delete the run folder"
                            + " and train again");
                }
                String fp = new String(BlockState.readBlock(in, "head checkpoint"), java.nio.charset.StandardCharsets.UTF_8);
                if (!fp.equals(expectedFingerprint)) {
                    throw new IOException(file + ": the checkpoint was written by a run with another configuration"
                            + " (" + fp + "); resume with the same options (now: " + expectedFingerprint
                            + ") or choose another --out");
                }
                State s = new State(fp);
                s.epoch = in.readInt();
                s.steps = in.readLong();
                s.params = BlockState.readBlock(in, "head checkpoint");
                int k = in.readInt();
                s.means = new float[k][];
                s.variances = new float[k][];
                for (int i = 0; i < k; i++) {
                    s.means[i] = readFloats(in);
                    s.variances[i] = readFloats(in);
                }
                s.history = new ArrayList<>(Arrays.asList(RunFolder.json().readValue(BlockState.readBlock(in, "head checkpoint"), EpochMetrics[].class)));
                s.bestScore = in.readDouble();
                s.bestEpoch = in.readInt();
                byte[] best = BlockState.readBlock(in, "head checkpoint");
                s.best = best.length == 0 ? null : best;
                return s;
            } catch (EOFException e) {
                throw new IOException(file + ": truncated head checkpoint; delete it to restart the head stage", e);
            }
        }

        private static void writeFloats(DataOutputStream out, float[] a) throws IOException {
            out.writeInt(a.length);
            for (float f : a) {
                out.writeFloat(f);
            }
        }

        private static float[] readFloats(DataInputStream in) throws IOException {
            int n = in.readInt();
            if (n < 0 || n > (1 << 28)) {
                throw new IOException("corrupt head checkpoint (" + n + " optimiser values)");
            }
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readFloat();
            }
            return a;
        }
    }
}
