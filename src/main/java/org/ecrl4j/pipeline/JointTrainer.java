package org.ecrl4j.pipeline;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.nn.Losses;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.VideoEncoder;
import org.ecrl4j.saliency.SplitClip;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.train.BlockState;
import org.ecrl4j.train.EpochMetrics;
import org.ecrl4j.train.FusedAdam;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.HeadTrainer;
import org.ecrl4j.train.RunFolder;
import org.ecrl4j.train.TrainOptions;
import org.ecrl4j.util.ChecksummedFile;
import org.ecrl4j.video.RgbFrame;

/**
 * Stage 2 of MODEL.md section 5 on videos: the whole model (encoders and head) trained together on
 * stored clips, after the dictionaries were built with the stage-1 encoders. Each step splits the
 * clips into V, S and C, runs them through their encoders in training mode (one batch of 3B clips
 * when the encoders are shared), runs the head, and updates the head at the options' learning rate
 * and the encoders at {@code encoderLrScale} times it (the paper: 1e-5 for backbones, 1e-4 for the
 * heads). With the background swap of MODEL.md 6b, each video's foreground is put on the frames of
 * another training video with the given probability, drawn per video and per step.
 *
 * <p>The epoch with the best validation Acc@1 is kept when the options ask for it (encoders and
 * head together); validation runs the current encoders in inference mode on the val clips.
 */
public final class JointTrainer {
    /**
     * What to train on.
     *
     * @param split how S and C are cut
     * @param swapProbability background swap probability per video and step (0: the paper)
     * @param encoderLrScale encoder learning rate / head learning rate (0 freezes the encoders)
     */
    public record Input(SplitOptions split, double swapProbability, double encoderLrScale) {
        public Input {
            if (!(swapProbability >= 0 && swapProbability <= 1)) {
                throw new IllegalArgumentException("swap probability must be in [0, 1], got " + swapProbability);
            }
            if (!(encoderLrScale >= 0)) {
                throw new IllegalArgumentException("encoder learning-rate scale must be >= 0, got " + encoderLrScale);
            }
        }
    }

    /**
     * Per-epoch metrics and the epoch whose parameters were kept.
     *
     * @param finished false when training stopped after {@code stopAfter} epochs (a simulated kill)
     */
    public record Result(List<EpochMetrics> history, int keptEpoch, boolean finished) {}

    /**
     * Where the state is written after every epoch, so that a killed run resumes exactly.
     *
     * @param file the state file (replaced atomically after each epoch)
     * @param fingerprint identifies the run's configuration; a state written by another is refused
     * @param resume continue from the file when it exists (else an existing file is an error)
     * @param stopAfter stop after this many epochs in total, as a kill would (tests; 0: never)
     */
    public record Checkpoint(Path file, String fingerprint, boolean resume, int stopAfter) {}

    /** The state file's name in a checkpoint folder. */
    public static final String STATE_FILE = "joint-state.bin";
    private static final String MAGIC = "ECRL4J-joint-checkpoint";
    private static final int VERSION = 1;

    private JointTrainer() {}

    /**
     * Trains {@code model} and the encoders in place.
     *
     * @param manager owns the clip arrays of each step (a sub-manager per step)
     * @param val validation clips, or empty
     */
    public static Result train(Encoders encoders, HeadModel model, NDManager manager, List<StoredClip> train,
            List<StoredClip> val, Input input, TrainOptions options, HeadTrainer.Listener listener) {
        try {
            return train(encoders, model, manager, train, val, input, options, null, listener);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // no checkpoint: no file is touched
        }
    }

    /**
     * As {@link #train(Encoders, HeadModel, NDManager, List, List, Input, TrainOptions,
     * HeadTrainer.Listener)}, writing the state after every epoch to {@code checkpoint} (null: none)
     * and resuming from it.
     *
     * <p>What makes resuming exact: the data order, the swap draws and the engine's dropout generator
     * are re-seeded at the start of every epoch from (seed, epoch); the state holds the encoders' and
     * the head's parameters (batch-norm statistics included), both optimisers' moments, the history
     * and the best epoch's parameters.
     *
     * @throws IOException naming the state file when it cannot be written, or read on resume
     */
    public static Result train(Encoders encoders, HeadModel model, NDManager manager, List<StoredClip> train,
            List<StoredClip> val, Input input, TrainOptions options, Checkpoint checkpoint,
            HeadTrainer.Listener listener) throws IOException {
        int n = train.size();
        if (n == 0) {
            throw new IllegalArgumentException("No training clip");
        }
        int classes = model.shape().classes();
        int stepsPerEpoch = (n + options.batchSize() - 1) / options.batchSize();
        int threads = Math.max(1, JniUtils.getNumThreads());
        Tracker headLr = update -> options.learningRateAt((update - 1) / stepsPerEpoch,
                ((update - 1) % stepsPerEpoch) / (double) stepsPerEpoch);
        FusedAdam headAdam = new FusedAdam(headLr, options.weightDecay(), threads);
        FusedAdam encoderAdam = new FusedAdam(update -> (float) (headLr.getNewValue(update) * input.encoderLrScale()),
                options.weightDecay(), threads);
        boolean trainEncoders = input.encoderLrScale() > 0;
        for (VideoEncoder e : encoders.distinct()) {
            e.setTrainable(trainEncoders);
        }
        List<Parameter> headParams = trainable(model.head());
        List<Parameter> encoderParams = trainEncoders ? encoders.trainableParameters() : List.of();
        List<Block> blocks = new ArrayList<>(encoders.distinct());
        blocks.add(model.head());

        List<Boolean> learnable = new ArrayList<>();
        for (var p : model.head().getParameters()) {
            learnable.add(p.getValue().requiresGradient());
        }
        long[] labels = EncoderTrainer.labels(train);
        // Without the swap a clip's split never changes: compute it once, not every epoch.
        List<SplitClip> fixed = null;
        if (input.swapProbability() == 0) {
            fixed = new ArrayList<>(n);
            for (StoredClip c : train) {
                fixed.add(ClipBatches.split(c, input.split()));
            }
        }
        State st = new State();
        if (checkpoint != null && Files.isRegularFile(checkpoint.file())) {
            if (!checkpoint.resume()) {
                throw new IOException(checkpoint.file() + " already holds a stage-2 checkpoint; pass --resume to"
                        + " continue that run or choose another --out");
            }
            st = State.read(checkpoint.file(), checkpoint.fingerprint(), blocks.size());
            restore(blocks, st.params, manager, model, learnable, trainEncoders, encoders);
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(st.optimisers))) {
                headAdam.readState(in, headParams);
                if (trainEncoders) {
                    encoderAdam.readState(in, encoderParams);
                }
            }
            listener.onMessage("resuming stage 2 after epoch " + st.epoch + " of " + options.epochs());
        }
        try {
            for (int epoch = st.epoch; epoch < options.epochs(); epoch++) {
                if (checkpoint != null && checkpoint.stopAfter() > 0 && epoch >= checkpoint.stopAfter()) {
                    return new Result(st.history, st.bestEpoch, false);
                }
                long start = System.nanoTime();
                Random random = new Random(options.seed() * 1_000_003L + epoch);
                Engine.getInstance().setRandomSeed((int) (options.seed() * 7919L + epoch + 1));
                int[] perm = BlockState.permutation(n, random);
                double lossSum = 0;
                float[] trainLogits = new float[n * classes];
                long[] trainLabels = new long[n];
                for (int s = 0; s < stepsPerEpoch; s++) {
                    int from = s * options.batchSize();
                    int to = Math.min(n, from + options.batchSize());
                    List<SplitClip> splits = new ArrayList<>(to - from);
                    long[] y = new long[to - from];
                    for (int i = from; i < to; i++) {
                        y[i - from] = labels[perm[i]];
                        if (fixed != null) {
                            splits.add(fixed.get(perm[i]));
                            continue;
                        }
                        StoredClip a = train.get(perm[i]);
                        if (random.nextDouble() < input.swapProbability()) {
                            StoredClip b = train.get(random.nextInt(n));
                            a = BackgroundSwap.swap(a, b, input.split().foregroundThreshold());
                        }
                        splits.add(ClipBatches.split(a, input.split()));
                    }
                    try (NDManager step = manager.newSubManager()) {
                        NDArray loss;
                        NDArray logits;
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            ParameterStore ps = new ParameterStore(step, false);
                            NDList streams = encode(encoders, ps, step, splits, true);
                            logits = model.head().forward(ps, streams, true).get("logits");
                            loss = Losses.crossEntropy(logits, step.create(y));
                            gc.backward(loss);
                        }
                        headAdam.step(headParams);
                        if (trainEncoders) {
                            encoderAdam.step(encoderParams);
                        }
                        float l = loss.getFloat();
                        if (!Float.isFinite(l)) {
                            throw new IllegalStateException("Stage-2 training diverged: loss " + l + " at epoch "
                                    + (epoch + 1) + "; lower the learning rate");
                        }
                        lossSum += l * y.length;
                        System.arraycopy(logits.toFloatArray(), 0, trainLogits, from * classes, y.length * classes);
                        System.arraycopy(y, 0, trainLabels, from, y.length);
                    }
                }
                // Validation runs the current encoders in inference mode on the val clips.
                FeatureSet valFeatures = val.isEmpty() ? null
                        : VideoFeatures.ofClips(encoders, manager, val, input.split(), 32);
                EpochMetrics m = HeadTrainer.epochMetrics(epoch, options, model, lossSum / n, trainLogits, trainLabels,
                        valFeatures, start);
                st.history.add(m);
                listener.onEpoch(m);
                double score = Double.isNaN(m.valAcc1()) ? m.acc1() : m.valAcc1();
                if (options.keepBest() && score >= st.bestScore) { // ties: the later epoch
                    st.bestScore = score;
                    st.bestEpoch = epoch + 1;
                    st.best = snapshot(blocks);
                }
                st.epoch = epoch + 1;
                if (checkpoint != null) {
                    st.params = snapshot(blocks);
                    ByteArrayOutputStream opt = new ByteArrayOutputStream();
                    DataOutputStream out = new DataOutputStream(opt);
                    headAdam.writeState(out, headParams);
                    if (trainEncoders) {
                        encoderAdam.writeState(out, encoderParams);
                    }
                    out.flush();
                    st.optimisers = opt.toByteArray();
                    st.write(checkpoint.file(), checkpoint.fingerprint());
                }
            }
            int kept = options.epochs();
            if (options.keepBest() && st.best != null && st.bestEpoch != options.epochs()) {
                restore(blocks, st.best, manager, model, learnable, false, encoders);
                kept = st.bestEpoch;
                listener.onMessage(String.format(java.util.Locale.ROOT,
                        "kept the encoders and head of stage-2 epoch %d (val acc@1 %.3f)", kept, st.bestScore));
            }
            return new Result(st.history, kept, true);
        } finally {
            for (VideoEncoder e : encoders.distinct()) {
                e.setTrainable(false);
            }
        }
    }

    private static List<byte[]> snapshot(List<Block> blocks) {
        List<byte[]> out = new ArrayList<>();
        for (Block b : blocks) {
            out.add(BlockState.snapshot(b));
        }
        return out;
    }

    /** Puts back snapshots of the encoders and the head (the last block), with their gradients. */
    private static void restore(List<Block> blocks, List<byte[]> snapshots, NDManager manager, HeadModel model,
            List<Boolean> learnable, boolean trainEncoders, Encoders encoders) {
        for (int i = 0; i < blocks.size(); i++) {
            boolean head = i == blocks.size() - 1;
            BlockState.restore(blocks.get(i), head ? model.manager() : manager, snapshots.get(i));
        }
        int k = 0;
        for (var p : model.head().getParameters()) { // loaded arrays come without their gradient
            if (learnable.get(k++)) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
        for (VideoEncoder e : encoders.distinct()) {
            e.setTrainable(trainEncoders);
        }
    }

    /**
     * F_v, F_s and F_c of split clips: one pass of 3B clips through a shared encoder, or one pass per
     * stream through separate encoders.
     */
    static NDList encode(Encoders encoders, ParameterStore ps, NDManager step, List<SplitClip> splits,
            boolean training) {
        int b = splits.size();
        ClipBatches.Stream[] streams = ClipBatches.Stream.values(); // WHOLE, FOREGROUND, BACKGROUND
        if (encoders.sharing() == EncoderSharing.SHARED) {
            List<List<RgbFrame>> all = new ArrayList<>(3 * b);
            for (ClipBatches.Stream s : streams) {
                for (SplitClip c : splits) {
                    all.add(ClipBatches.stream(c, s));
                }
            }
            NDArray f = encoders.video().encode(ps, ClipBatches.toArray(step, all), training); // (3B, T, d)
            return new NDList(f.get("0:" + b), f.get(b + ":" + 2 * b), f.get(2 * b + ":"));
        }
        Encoders.Stream[] which = {Encoders.Stream.V, Encoders.Stream.S, Encoders.Stream.C};
        NDList out = new NDList();
        for (int s = 0; s < 3; s++) {
            List<List<RgbFrame>> batch = new ArrayList<>(b);
            for (SplitClip c : splits) {
                batch.add(ClipBatches.stream(c, streams[s]));
            }
            out.add(encoders.get(which[s]).encode(ps, ClipBatches.toArray(step, batch), training));
        }
        return out;
    }

    private static List<Parameter> trainable(Block block) {
        List<Parameter> out = new ArrayList<>();
        for (var p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p.getValue());
            }
        }
        return out;
    }

    /** What a resumed run needs, as plain data. */
    private static final class State {
        int epoch;
        List<EpochMetrics> history = new ArrayList<>();
        double bestScore = -1;
        int bestEpoch = -1;
        List<byte[]> best;
        List<byte[]> params;
        byte[] optimisers;

        void write(Path file, String fingerprint) throws IOException {
            ChecksummedFile.write(file, raw -> {
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw));
                out.writeUTF(MAGIC);
                out.writeInt(VERSION);
                BlockState.writeBlock(out, fingerprint.getBytes(StandardCharsets.UTF_8));
                out.writeInt(epoch);
                BlockState.writeBlock(out, RunFolder.json().writeValueAsBytes(history));
                out.writeDouble(bestScore);
                out.writeInt(bestEpoch);
                blocks(out, best);
                blocks(out, params);
                BlockState.writeBlock(out, optimisers);
                out.flush();
            });
        }

        static State read(Path file, String fingerprint, int blockCount) throws IOException {
            try (DataInputStream in = new DataInputStream(ChecksummedFile.open(file, ChecksummedFile.CHECKPOINT))) {
                if (!MAGIC.equals(in.readUTF()) || in.readInt() != VERSION) {
                    throw new IOException(file + ": not a stage-2 checkpoint of this version; delete it to restart"
                            + " stage 2");
                }
                String fp = new String(BlockState.readBlock(in, "stage-2 checkpoint"), StandardCharsets.UTF_8);
                if (!fp.equals(fingerprint)) {
                    throw new IOException(file + ": the checkpoint was written by a run with another configuration;"
                            + " resume with the same options or choose another --out");
                }
                State s = new State();
                s.epoch = in.readInt();
                s.history = new ArrayList<>(List.of(RunFolder.json().readValue(BlockState.readBlock(in, "stage-2 checkpoint"), EpochMetrics[].class)));
                s.bestScore = in.readDouble();
                s.bestEpoch = in.readInt();
                s.best = blocks(in);
                s.params = blocks(in);
                s.optimisers = BlockState.readBlock(in, "stage-2 checkpoint");
                if (s.params == null || s.params.size() != blockCount || (s.best != null && s.best.size() != blockCount)) {
                    throw new IOException(file + ": the checkpoint holds other encoders than this run's; delete it"
                            + " to restart stage 2");
                }
                return s;
            } catch (java.io.EOFException e) {
                throw new IOException(file + ": truncated stage-2 checkpoint; delete it to restart stage 2", e);
            }
        }

        private static void blocks(DataOutputStream out, List<byte[]> b) throws IOException {
            out.writeInt(b == null ? -1 : b.size());
            if (b != null) {
                for (byte[] x : b) {
                    BlockState.writeBlock(out, x);
                }
            }
        }

        private static List<byte[]> blocks(DataInputStream in) throws IOException {
            int n = in.readInt();
            if (n < 0) {
                return null;
            }
            if (n > 16) {
                throw new IOException("corrupt stage-2 checkpoint (" + n + " blocks)");
            }
            List<byte[]> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(BlockState.readBlock(in, "stage-2 checkpoint"));
            }
            return out;
        }
    }
}
