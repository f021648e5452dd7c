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
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
import org.ecrl4j.train.Checkpoint;
import org.ecrl4j.train.EpochMetrics;
import org.ecrl4j.train.FusedAdam;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.HeadTrainer;
import org.ecrl4j.train.TrainOptions;
import org.ecrl4j.train.Trainer;
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

    /** The state file's name in a checkpoint folder. */
    public static final String STATE_FILE = "joint-state.bin";

    private JointTrainer() {}

    /**
     * Trains {@code model} and the encoders in place.
     *
     * @param manager owns the clip arrays of each step (a sub-manager per step)
     * @param val validation clips, or empty
     */
    public static Result train(Encoders encoders, HeadModel model, NDManager manager, List<StoredClip> train,
            List<StoredClip> val, Input input, TrainOptions options, Trainer.Listener listener) {
        try {
            return train(encoders, model, manager, train, val, input, options, null, listener);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // no checkpoint: no file is touched
        }
    }

    /**
     * As {@link #train(Encoders, HeadModel, NDManager, List, List, Input, TrainOptions,
     * Trainer.Listener)}, writing the state after every epoch to {@code checkpoint} (null: none)
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
            Trainer.Listener listener) throws IOException {
        return train(encoders, model, manager, TrainingClips.fixed(train), val, input, options, checkpoint, listener);
    }

    /**
     * As {@link #train(Encoders, HeadModel, NDManager, List, List, Input, TrainOptions, Checkpoint,
     * Trainer.Listener)}, on training clips drawn per epoch ({@link TrainingClips#clip} with the
     * options' seed): random frames and crops when {@code train} augments.
     */
    public static Result train(Encoders encoders, HeadModel model, NDManager manager, TrainingClips train,
            List<StoredClip> val, Input input, TrainOptions options, Checkpoint checkpoint,
            Trainer.Listener listener) throws IOException {
        if (train.size() == 0) {
            throw new IllegalArgumentException("No training clip");
        }
        Step step = new Step(encoders, model, manager, train, val, input, options);
        try {
            Trainer.Result r = Trainer.fit(step, options, Trainer.Seeding.PER_EPOCH, checkpoint, listener);
            return new Result(r.history(), r.keptEpoch(), r.finished());
        } finally {
            for (VideoEncoder e : encoders.distinct()) {
                e.setTrainable(false);
            }
        }
    }

    /**
     * Stage 2's step: split the batch's clips (background-swapped with the input's probability, drawn
     * from the loop's generator), encode them in training mode, run the head, and update the head and
     * (with a positive scale) the encoders, each with its own {@link FusedAdam}.
     */
    private static final class Step implements Trainer.Step {
        private final Encoders encoders;
        private final HeadModel model;
        private final NDManager manager;
        private final TrainingClips train;
        private final List<StoredClip> val;
        private final Input input;
        private final TrainOptions options;
        private final boolean trainEncoders;
        private final FusedAdam headAdam;
        private final FusedAdam encoderAdam;
        private final List<Parameter> headParams;
        private final List<Parameter> encoderParams;
        /** The encoders, then the head (the last block). */
        private final List<Block> blocks;
        private final boolean[] learnable;
        private final long[] labels;
        private final int classes;
        /** Without the swap a clip's split never changes: compute it once, not every epoch. */
        private final List<SplitClip> fixed;
        private float[] trainLogits;
        private long[] trainLabels;
        private int epoch;

        Step(Encoders encoders, HeadModel model, NDManager manager, TrainingClips train, List<StoredClip> val,
                Input input, TrainOptions options) {
            this.encoders = encoders;
            this.model = model;
            this.manager = manager;
            this.train = train;
            this.val = val;
            this.input = input;
            this.options = options;
            int n = train.size();
            this.classes = model.shape().classes();
            int stepsPerEpoch = (n + options.batchSize() - 1) / options.batchSize();
            int threads = Math.max(1, JniUtils.getNumThreads());
            Tracker headLr = update -> options.learningRateAt((update - 1) / stepsPerEpoch,
                    ((update - 1) % stepsPerEpoch) / (double) stepsPerEpoch);
            this.headAdam = new FusedAdam(headLr, options.weightDecay(), threads);
            this.encoderAdam = new FusedAdam(update -> (float) (headLr.getNewValue(update) * input.encoderLrScale()),
                    options.weightDecay(), threads);
            this.trainEncoders = input.encoderLrScale() > 0;
            for (VideoEncoder e : encoders.distinct()) {
                e.setTrainable(trainEncoders);
            }
            this.headParams = trainable(model.head());
            this.encoderParams = trainEncoders ? encoders.trainableParameters() : List.of();
            this.blocks = new ArrayList<>(encoders.distinct());
            blocks.add(model.head());
            this.learnable = BlockState.learnable(model.head());
            this.labels = EncoderTrainer.labels(train.evaluationClips());
            if (input.swapProbability() == 0 && !train.varies()) {
                fixed = new ArrayList<>(n);
                for (StoredClip c : train.evaluationClips()) {
                    fixed.add(ClipBatches.split(c, input.split()));
                }
            } else {
                fixed = null;
            }
        }

        @Override
        public String name() {
            return "stage 2";
        }

        @Override
        public int size() {
            return train.size();
        }

        @Override
        public void beginEpoch(int epoch) {
            this.epoch = epoch;
            trainLogits = new float[train.size() * classes];
            trainLabels = new long[train.size()];
        }

        @Override
        public float step(int[] idx, int from, Random random) {
            int n = train.size();
            List<SplitClip> splits = new ArrayList<>(idx.length);
            long[] y = new long[idx.length];
            for (int i = 0; i < idx.length; i++) {
                y[i] = labels[idx[i]];
                if (fixed != null) {
                    splits.add(fixed.get(idx[i]));
                    continue;
                }
                StoredClip a = train.clip(idx[i], options.seed(), epoch);
                if (random.nextDouble() < input.swapProbability()) {
                    StoredClip b = train.clip(random.nextInt(n), options.seed(), epoch);
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
                System.arraycopy(logits.toFloatArray(), 0, trainLogits, from * classes, y.length * classes);
                System.arraycopy(y, 0, trainLabels, from, y.length);
                return l;
            }
        }

        @Override
        public EpochMetrics endEpoch(int epoch, double meanLoss, long startNanos) {
            // Validation runs the current encoders in inference mode on the val clips.
            FeatureSet valFeatures = val.isEmpty() ? null
                    : VideoFeatures.ofClips(encoders, manager, val, input.split(), 32);
            return HeadTrainer.epochMetrics(epoch, options, model, meanLoss, trainLogits, trainLabels, valFeatures,
                    startNanos);
        }

        @Override
        public List<byte[]> snapshot() {
            List<byte[]> out = new ArrayList<>();
            for (Block b : blocks) {
                out.add(BlockState.snapshot(b));
            }
            return out;
        }

        /** Puts back snapshots of the encoders and the head (the last block), with their gradients. */
        @Override
        public void restore(List<byte[]> snapshots) throws IOException {
            BlockState.checkBlockCount(snapshots, blocks.size());
            for (int i = 0; i < blocks.size() - 1; i++) {
                BlockState.restore(blocks.get(i), manager, snapshots.get(i));
            }
            BlockState.restoreTrainable(model.head(), model.manager(), snapshots.get(blocks.size() - 1), learnable);
            for (VideoEncoder e : encoders.distinct()) {
                e.setTrainable(trainEncoders);
            }
        }

        @Override
        public void writeOptimiser(DataOutputStream out) throws IOException {
            headAdam.writeState(out, headParams);
            if (trainEncoders) {
                encoderAdam.writeState(out, encoderParams);
            }
        }

        @Override
        public void readOptimiser(DataInputStream in) throws IOException {
            headAdam.readState(in, headParams);
            if (trainEncoders) {
                encoderAdam.readState(in, encoderParams);
            }
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
            NDArray f = encoders.video().encode(ps, ClipBatches.toArray(step, all, encoders.video()), training); // (3B, T, d)
            return new NDList(f.get("0:" + b), f.get(b + ":" + 2 * b), f.get(2 * b + ":"));
        }
        Encoders.Stream[] which = {Encoders.Stream.V, Encoders.Stream.S, Encoders.Stream.C};
        NDList out = new NDList();
        for (int s = 0; s < 3; s++) {
            List<List<RgbFrame>> batch = new ArrayList<>(b);
            for (SplitClip c : splits) {
                batch.add(ClipBatches.stream(c, streams[s]));
            }
            VideoEncoder e = encoders.get(which[s]);
            out.add(e.encode(ps, ClipBatches.toArray(step, batch, e), training));
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
}
