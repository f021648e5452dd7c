package org.ecrl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Gradient recording on the calling thread, as DJL's {@code GradientCollector} of the PyTorch
 * engine does it (grad mode on, {@code backward} with a gradient of ones, grad mode restored), but
 * without its process-wide "one collector at a time" flag: libtorch's grad mode is per thread, so
 * several models can train at the same time on their own threads (the demo's stage-1 encoders).
 * Gradients accumulate in the parameters, as with DJL's collector; the optimiser zeroes them.
 */
public final class ThreadGradients implements AutoCloseable {
    private final boolean previous;

    /** Turns gradient recording on for this thread until {@link #close}. */
    public ThreadGradients() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /** Back-propagates a scalar loss (d loss / d loss = 1). */
    public void backward(NDArray loss) {
        try (NDArray ones = loss.onesLike()) {
            JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, false, false);
        }
    }

    /** Puts this thread's grad mode back as it was. */
    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
