package org.ecrl4j.nn;

import org.ecrl4j.util.Precision;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.core.Linear;

/** Small helpers shared by the blocks. */
public final class Layers {
    private Layers() {}

    /** A linear layer whose product follows the head's precision ({@link MixedLinear}). */
    static Linear linear(long units, boolean bias) {
        return new MixedLinear(units, bias);
    }

    /**
     * {@code a.matMul(b)} in the given precision: with bf16 both operands are cast to bfloat16 and
     * the product is cast back to float32 (softmax and sums that follow stay float32).
     */
    public static NDArray matMul(NDArray a, NDArray b, Precision precision, boolean training) {
        return precision == Precision.FP32 ? a.matMul(b) : Bf16Ops.get().matMul(a, b, training);
    }

    /**
     * {@code x * factor}, with the factor held as an array in x's manager. DJL's
     * {@code NDArray.div(Number)} and {@code mul(Number)} close their scalar right after the call,
     * while autograd keeps a pointer to it for the backward pass; the scalar's memory can then be
     * collected and reused before backward runs, which showed here as random NaN gradients.
     * Keeping the scalar alive until the step's manager closes avoids that.
     */
    static NDArray scale(NDArray x, double factor) {
        return x.mul(x.getManager().create((float) factor));
    }

    /**
     * Re-homes an array computed from parameters alone (for example W_k Z) to the manager of the
     * step's inputs, so that it is freed with the step and not kept alive by the model.
     */
    static NDArray local(NDArray array, NDManager stepManager) {
        if (array.getManager() != stepManager) {
            array.attach(stepManager);
        }
        return array;
    }
}
