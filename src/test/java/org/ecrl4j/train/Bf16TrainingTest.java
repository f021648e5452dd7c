package org.ecrl4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.ecrl4j.dictionary.ConfounderDictionary;
import org.ecrl4j.dictionary.DictionaryKind;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.nn.HeadShape;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.util.Precision;
import org.junit.jupiter.api.Test;

/**
 * The full ECRL head learns with bf16 products: on a task whose class shows in every stream, the
 * training steps that {@code ecrl4j train} runs (forward, loss, backward, Adam on the float32
 * weights) bring the loss down as far as fp32 does, within a margin.
 */
class Bf16TrainingTest {
    private static final int B = 16;
    private static final int T = 4;
    private static final int D = 32;
    private static final int L = 4;
    private static final int STEPS = 40;

    @Test
    void bf16TrainingLearnsAsFp32Does() {
        float[] fp32 = train(Precision.FP32);
        float[] bf16 = train(Precision.BF16);
        assertTrue(bf16[1] < 0.5 * bf16[0], "bf16 loss went from " + bf16[0] + " to " + bf16[1]);
        assertTrue(fp32[1] < 0.5 * fp32[0], "fp32 loss went from " + fp32[0] + " to " + fp32[1]);
        assertTrue(Math.abs(bf16[1] - fp32[1]) < 0.1 + 0.25 * fp32[1],
                "bf16 ends at loss " + bf16[1] + ", fp32 at " + fp32[1]);
    }

    /** First and last loss of STEPS training steps on one fixed batch. */
    private static float[] train(Precision precision) {
        SplittableRandom r = new SplittableRandom(5);
        float[][] z = new float[3][D];
        for (float[] row : z) {
            for (int j = 0; j < D; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        HeadConfig config = Recipes.ECRL.head().toBuilder().globalEntries(8).build();
        try (HeadModel model = HeadModel.create(config, new HeadShape(T, D, L),
                new ConfounderDictionary(z, new float[] {0.3f, 0.3f, 0.4f}, DictionaryKind.BACKGROUND), null, 9)) {
            model.head().setPrecision(precision);
            TrainOptions options = new TrainOptions(1, B, 3e-3f, 0f, TrainOptions.Schedule.STEP, 100, 1f, 9, false);
            TrainStep step = new TrainStep(model, TrainStep.adam(options, STEPS));
            float[][] means = new float[L][D];
            for (float[] mu : means) {
                for (int j = 0; j < D; j++) {
                    mu[j] = (float) r.nextGaussian();
                }
            }
            long[] labels = new long[B];
            float[] x = new float[B * T * D];
            for (int b = 0; b < B; b++) {
                labels[b] = b % L;
                for (int i = 0; i < T * D; i++) {
                    x[b * T * D + i] = means[b % L][i % D] + (float) r.nextGaussian();
                }
            }
            float first = Float.NaN;
            float last = Float.NaN;
            for (int s = 0; s < STEPS; s++) {
                try (NDManager sm = model.manager().newSubManager()) {
                    Shape shape = new Shape(B, T, D);
                    NDList streams = new NDList(sm.create(x, shape), sm.create(x, shape), sm.create(x, shape));
                    NDArray y = sm.create(labels);
                    last = step.run(sm, streams, y).loss().getFloat();
                    if (s == 0) {
                        first = last;
                    }
                }
            }
            return new float[] {first, last};
        }
    }
}
