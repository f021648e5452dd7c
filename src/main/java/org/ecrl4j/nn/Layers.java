package org.ecrl4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.core.Linear;

/** Small helpers shared by the blocks. */
final class Layers {
    private Layers() {}

    static Linear linear(long units, boolean bias) {
        return Linear.builder().setUnits(units).optBias(bias).build();
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
