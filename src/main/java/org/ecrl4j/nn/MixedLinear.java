package org.ecrl4j.nn;

import org.ecrl4j.util.Precision;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * DJL's {@link Linear} (same parameters, same parameter file layout) whose product runs in the
 * head's {@link Precision}: with bf16, input, weight and bias are cast to bfloat16, the product
 * runs in bf16 and its result is cast back to float32 ({@link Bf16Ops#linear}). The casts are
 * differentiable, so gradients reach the float32 weights (the master copy the optimiser updates).
 */
final class MixedLinear extends Linear implements MixedPrecision {
    private final Parameter weight;
    private final Parameter bias;
    private Precision precision = Precision.FP32;

    MixedLinear(long units, boolean hasBias) {
        super(Linear.builder().setUnits(units).optBias(hasBias));
        weight = getDirectParameters().get("weight");
        bias = hasBias ? getDirectParameters().get("bias") : null;
    }

    @Override
    public void setPrecision(Precision p) {
        precision = p;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (precision == Precision.FP32) {
            return super.forwardInternal(ps, inputs, training, params);
        }
        NDArray x = inputs.singletonOrThrow();
        Device device = x.getDevice();
        NDArray w = ps.getValue(weight, device, training);
        NDArray b = bias == null ? null : ps.getValue(bias, device, training);
        return new NDList(Bf16Ops.get().linear(x, w, b, training));
    }
}
