package org.ecrl4j.train;

import ai.djl.engine.Engine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The one training loop (as DJL's {@code EasyTrain.fit}): per epoch it draws the data order, runs
 * the {@link Step} on each batch, stops on a non-finite loss, asks the step for the epoch's
 * metrics, keeps the best epoch's parameters when the options ask for it, and tells its
 * {@link Listener}s (logging, progress, the checkpoint writer). What one step does is the
 * {@link Step}'s business: the head on cached features ({@link HeadTrainer}), an encoder with a
 * plain classifier (stage 1) or encoders and head together (stage 2).
 *
 * <p>Keep-best: the score of an epoch is its validation Acc@1, or its training Acc@1 without a
 * validation set; ties go to the later epoch, which has trained longer.
 */
public final class Trainer {
    /** How the data order and the engine's generator (dropout) are seeded. */
    public enum Seeding {
        /**
         * One {@code Random(seed)} continued across epochs for the order (and the step's draws), the
         * engine seeded once with {@code seed + 1}. A checkpoint stores the generator, so the order
         * resumes exactly; the engine's generator is not stored.
         */
        CONTINUOUS,
        /**
         * As {@link #CONTINUOUS} for the order, but the engine's generator is left alone: for steps
         * that draw nothing from it (no dropout), so that models trained at the same time on other
         * threads, which do draw from it, are not re-seeded by this one.
         */
        ORDER_ONLY,
        /**
         * Re-seeded at the start of every epoch: the order from {@code seed * 1000003 + epoch}, the
         * engine from {@code seed * 7919 + epoch + 1}; no generator state needs saving, so a resumed
         * run ends exactly as an uninterrupted one even with dropout.
         */
        PER_EPOCH
    }

    /** What one kind of training does; the loop around it is {@link #fit}. */
    public interface Step {
        /** A short name for messages and checkpoints ("the head", "stage 1", "stage 2"). */
        String name();

        /** Training examples; an epoch visits each once, in the order the loop draws. */
        int size();

        /** Called before the first batch of every epoch (0-based). */
        void beginEpoch(int epoch);

        /**
         * One optimisation step.
         *
         * @param batch indices of the batch's training examples
         * @param position where the batch starts in the epoch's order
         * @param random the loop's generator, for the step's own draws (augmentation)
         * @return the batch's mean loss
         */
        float step(int[] batch, int position, Random random);

        /** The finished epoch's metrics (validation included), from the mean training loss. */
        EpochMetrics endEpoch(int epoch, double meanLoss, long startNanos);

        /** The parameters of every trained block, in a fixed order. */
        List<byte[]> snapshot();

        /**
         * Puts back a {@link #snapshot}, leaving the blocks ready to train on.
         *
         * @throws IOException when the snapshot belongs to other blocks
         */
        void restore(List<byte[]> snapshot) throws IOException;

        /** Writes the optimisers' state (moments, update count). */
        void writeOptimiser(DataOutputStream out) throws IOException;

        /** Reads what {@link #writeOptimiser} wrote. */
        void readOptimiser(DataInputStream in) throws IOException;
    }

    /** Receives what the loop does; every method does nothing unless overridden. */
    public interface Listener {
        default void onMessage(String message) {}

        default void onEpoch(EpochMetrics metrics) {}

        /** After an epoch and its keep-best decision, with the loop's whole state. */
        default void onEpochEnd(State state) throws IOException {}

        /** A listener that ignores everything. */
        Listener SILENT = new Listener() {};
    }

    /** The loop's state after an epoch: what a checkpoint holds. */
    public static final class State {
        final Step step;
        int epoch;
        List<EpochMetrics> history = new ArrayList<>();
        double bestScore = -1;
        int bestEpoch = -1;
        List<byte[]> best;
        Random order;

        State(Step step) {
            this.step = step;
        }

        /** Epochs finished. */
        public int epoch() {
            return epoch;
        }

        public List<EpochMetrics> history() {
            return history;
        }
    }

    /**
     * What training produced.
     *
     * @param history metrics of every epoch trained so far, resumed ones included
     * @param keptEpoch the epoch whose parameters the step's blocks hold
     * @param finished false when training stopped after {@link Checkpoint#stopAfter} epochs
     */
    public record Result(List<EpochMetrics> history, int keptEpoch, boolean finished) {}

    private Trainer() {}

    /**
     * Trains with {@code step} for {@code options.epochs()} epochs of {@code options.batchSize()}
     * examples, resuming from and writing to {@code checkpoint} when there is one.
     *
     * @param checkpoint null: no file is read or written
     * @throws IOException naming the checkpoint when it cannot be written, or read on resume
     */
    public static Result fit(Step step, TrainOptions options, Seeding seeding, Checkpoint checkpoint,
            Listener listener) throws IOException {
        int n = step.size();
        if (n == 0) {
            throw new IllegalArgumentException("The training set of " + step.name() + " is empty");
        }
        int batchSize = options.batchSize();
        int steps = (n + batchSize - 1) / batchSize;
        State s = new State(step);
        if (seeding != Seeding.PER_EPOCH) {
            s.order = new Random(options.seed());
        }
        if (seeding == Seeding.CONTINUOUS) {
            Engine.getInstance().setRandomSeed((int) options.seed() + 1);
        }
        if (checkpoint != null && checkpoint.resuming()) {
            resume(s, checkpoint, seeding);
            listener.onMessage("resuming " + step.name() + " after epoch " + s.epoch + " of " + options.epochs());
        }
        List<Listener> listeners = checkpoint == null ? List.of(listener) : List.of(listener, writer(checkpoint));
        for (int epoch = s.epoch; epoch < options.epochs(); epoch++) {
            if (checkpoint != null && checkpoint.stopAfter() > 0 && epoch >= checkpoint.stopAfter()) {
                return new Result(s.history, s.bestEpoch, false);
            }
            long start = System.nanoTime();
            Random random = s.order;
            if (seeding == Seeding.PER_EPOCH) {
                random = new Random(options.seed() * 1_000_003L + epoch);
                Engine.getInstance().setRandomSeed((int) (options.seed() * 7919L + epoch + 1));
            }
            int[] perm = BlockState.permutation(n, random);
            step.beginEpoch(epoch);
            double lossSum = 0;
            for (int b = 0; b < steps; b++) {
                int from = b * batchSize;
                int[] batch = Arrays.copyOfRange(perm, from, Math.min(n, from + batchSize));
                float loss = step.step(batch, from, random);
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException("Training of " + step.name() + " diverged: loss is " + loss
                            + " at epoch " + (epoch + 1) + "; lower the learning rate");
                }
                lossSum += loss * batch.length;
            }
            EpochMetrics m = step.endEpoch(epoch, lossSum / n, start);
            s.history.add(m);
            for (Listener l : listeners) {
                l.onEpoch(m);
            }
            double score = Double.isNaN(m.valAcc1()) ? m.acc1() : m.valAcc1();
            if (options.keepBest() && score >= s.bestScore) { // ties: the later epoch, which has trained longer
                s.bestScore = score;
                s.bestEpoch = epoch + 1;
                s.best = step.snapshot();
            }
            s.epoch = epoch + 1;
            for (Listener l : listeners) {
                l.onEpochEnd(s);
            }
        }
        int kept = options.epochs();
        if (options.keepBest() && s.best != null && s.bestEpoch != options.epochs()) {
            step.restore(s.best);
            kept = s.bestEpoch;
            listener.onMessage(String.format(Locale.ROOT, "kept the parameters of epoch %d of %s (validation"
                    + " Acc@1 %.3f)", kept, step.name(), s.bestScore));
        }
        return new Result(s.history, kept, true);
    }

    private static void resume(State s, Checkpoint checkpoint, Seeding seeding) throws IOException {
        Path file = checkpoint.file();
        CheckpointFile c = CheckpointFile.read(file, s.step.name(), checkpoint.fingerprint());
        if ((c.order != null) != (seeding != Seeding.PER_EPOCH)) {
            throw new IOException(file + ": the checkpoint was written with another seeding policy; delete it"
                    + " and train again");
        }
        if (c.best != null && c.best.size() != c.params.size()) {
            throw new IOException(file + ": corrupt checkpoint (" + c.best.size() + " and " + c.params.size()
                    + " parameter blocks); delete it and train again");
        }
        s.step.restore(c.params);
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(c.optimiser))) {
            s.step.readOptimiser(in);
        }
        s.epoch = c.epoch;
        s.history = c.history;
        s.bestScore = c.bestScore;
        s.bestEpoch = c.bestEpoch;
        s.best = c.best;
        if (c.order != null) {
            s.order = c.order;
        }
    }

    /** The listener that writes the loop's state to {@code checkpoint} after every epoch. */
    private static Listener writer(Checkpoint checkpoint) {
        return new Listener() {
            @Override
            public void onEpochEnd(State s) throws IOException {
                Path parent = checkpoint.file().toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                CheckpointFile c = new CheckpointFile(s.step.name(), checkpoint.fingerprint());
                c.epoch = s.epoch;
                c.history = s.history;
                c.bestScore = s.bestScore;
                c.bestEpoch = s.bestEpoch;
                c.best = s.best;
                c.params = s.step.snapshot();
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(bytes);
                s.step.writeOptimiser(out);
                out.flush();
                c.optimiser = bytes.toByteArray();
                c.order = s.order;
                c.write(checkpoint.file());
            }
        };
    }
}
