package org.ecrl4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** Known answers for {@link Losses#crossEntropy}, worked out by hand. */
class LossesTest {
    @Test
    void crossEntropyIsTheMeanNegativeLogSoftmaxOfTheLabel() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Row 1: logits (1, 2, 3), label 2: -log(e^3 / (e^1 + e^2 + e^3)) = log(1 + e^-1 + e^-2) = 0.4076059644.
            // Row 2: logits (0, 0, 0), label 0: log 3 = 1.0986122887.
            // Row 3: logits (5, -5, 0), label 1: log(e^5 + e^-5 + 1) + 5 = 10.0067604435.
            NDArray logits = m.create(new float[] {1, 2, 3, 0, 0, 0, 5, -5, 0}, new ai.djl.ndarray.types.Shape(3, 3));
            NDArray labels = m.create(new long[] {2, 0, 1});
            double expected = (0.4076059644 + 1.0986122887 + 10.0067604435) / 3;
            assertEquals(expected, Losses.crossEntropy(logits, labels).getFloat(), 1e-5);

            // d loss / d logits = (softmax - onehot) / B.
            logits.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(Losses.crossEntropy(logits, labels));
            }
            float[] g = logits.getGradient().toFloatArray();
            double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
            assertEquals((Math.exp(1) / z) / 3, g[0], 1e-6);
            assertEquals((Math.exp(3) / z - 1) / 3, g[2], 1e-6);
            assertEquals((1.0 / 3 - 1) / 3, g[3], 1e-6);
            assertEquals((1.0 / 3) / 3, g[4], 1e-6);
            double z3 = Math.exp(5) + Math.exp(-5) + 1;
            assertEquals((Math.exp(-5) / z3 - 1) / 3, g[7], 1e-6);
        }
    }
}
