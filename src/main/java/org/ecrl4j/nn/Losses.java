package org.ecrl4j.nn;

import ai.djl.ndarray.NDArray;

/** The training loss of MODEL.md section 5. */
public final class Losses {
    private Losses() {}

    /**
     * Mean cross-entropy of softmax(logits) against integer labels.
     *
     * @param logits (B, L)
     * @param labels (B) int64 class indices
     * @return a scalar
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        Shapes.require(labels, "labels", "B", logits.getShape().get(0));
        long classes = logits.getShape().get(1);
        NDArray oneHot = labels.oneHot((int) classes).toType(logits.getDataType(), false);
        return logits.logSoftmax(-1).mul(oneHot).sum(new int[] {1}).neg().mean();
    }
}
