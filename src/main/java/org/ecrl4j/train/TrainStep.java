package org.ecrl4j.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.ecrl4j.nn.Losses;

/**
 * One optimisation step of a head, the unit {@link HeadTrainer}'s step repeats and {@code ecrl4j bench
 * head} times: forward in training mode, cross-entropy loss (MODEL.md section 5), backward, an
 * Adam update of every trainable parameter ({@link FusedAdam}), which also sets the gradients back
 * to zero (the PyTorch engine accumulates them).
 */
public final class TrainStep {
    /** What one step produced; both arrays belong to the step's manager. */
    public record Output(NDArray loss, NDArray logits) {}

    private final HeadModel model;
    private final FusedAdam optimizer;
    private final List<Parameter> trainable = new ArrayList<>();

    /** A step that updates every parameter of {@code model} that requires a gradient. */
    public TrainStep(HeadModel model, FusedAdam optimizer) {
        this.model = model;
        this.optimizer = optimizer;
        for (Pair<String, Parameter> p : model.head().getParameters()) {
            if (p.getValue().requiresGradient()) {
                trainable.add(p.getValue());
            }
        }
    }

    /**
     * Adam with the options' weight decay and learning-rate schedule, the schedule read per update
     * (update 1 is the first step of epoch 0), on the engine's intra-op threads.
     *
     * @param stepsPerEpoch optimiser updates in one epoch
     */
    public static FusedAdam adam(TrainOptions options, int stepsPerEpoch) {
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("steps per epoch must be >= 1, got " + stepsPerEpoch);
        }
        Tracker schedule = update -> options.learningRateAt((update - 1) / stepsPerEpoch,
                ((update - 1) % stepsPerEpoch) / (double) stepsPerEpoch);
        return new FusedAdam(schedule, options.weightDecay(), Math.max(1, JniUtils.getNumThreads()));
    }

    /** Writes the optimiser's state for the parameters this step updates. */
    public void writeState(java.io.DataOutputStream out) throws java.io.IOException {
        optimizer.writeState(out, trainable);
    }

    /** Reads what {@link #writeState} wrote, for a resumed run. */
    public void readState(java.io.DataInputStream in) throws java.io.IOException {
        optimizer.readState(in, trainable);
    }

    /**
     * Runs one step on a batch.
     *
     * @param stepManager owns every intermediate array; close it after reading the output
     * @param streams NDList(F_v, F_s, F_c), each (B, T, d)
     * @param labels (B) int64 class indices
     */
    public Output run(NDManager stepManager, NDList streams, NDArray labels) {
        NDArray loss;
        NDArray logits;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDList out = model.head().forward(new ParameterStore(stepManager, false), streams, true);
            logits = out.get("logits");
            loss = Losses.crossEntropy(logits, labels);
            gc.backward(loss);
        }
        optimizer.step(trainable); // also zeroes the gradients, which the PyTorch engine accumulates
        return new Output(loss, logits);
    }
}
