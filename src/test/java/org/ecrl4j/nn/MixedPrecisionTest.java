package org.ecrl4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.util.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The head with {@code --precision bf16} against the same head in fp32: bf16 products change the
 * logits by at most a stated tolerance (but do change them: the bf16 path is really taken), every
 * parameter still gets a gradient, in the direction of the fp32 gradient, and the parameters stay
 * float32.
 */
class MixedPrecisionTest {
    static final int D = 64;
    static final int L = 5;
    /** bf16 keeps 8 significant bits (relative error 2^-9 per operand): the logits move by far less than this. */
    static final double LOGIT_TOL = 0.05;
    /** Cosine between the bf16 and fp32 gradients of all parameters together. */
    static final double GRAD_COSINE = 0.99;

    static Stream<String> configs() {
        return Recipes.names().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void bf16LogitsStayWithinToleranceOfFp32(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            HeadConfig config = Recipes.named(name).head().toBuilder().globalEntries(24).build();
            EcrlHead head = NnTestSupport.head(m, config, new HeadShape(8, D, L), 7);
            NDList in = NnTestSupport.streams(m, 6, 8, D);
            float[] fp32 = NnTestSupport.forward(head, m, in, false).get("logits").toFloatArray();
            head.setPrecision(Precision.BF16);
            assertEquals(Precision.BF16, head.precision());
            NDArray logits = NnTestSupport.forward(head, m, in, false).get("logits");
            assertEquals(DataType.FLOAT32, logits.getDataType());
            float[] bf16 = logits.toFloatArray();
            double max = 0;
            double scale = 0;
            for (int i = 0; i < fp32.length; i++) {
                max = Math.max(max, Math.abs(fp32[i] - bf16[i]));
                scale = Math.max(scale, Math.abs(fp32[i]));
            }
            assertTrue(max <= LOGIT_TOL, name + ": bf16 logits differ from fp32 by " + max + " (logits up to " + scale + ")");
            assertTrue(max > 1e-6, name + ": bf16 logits equal the fp32 ones (" + max + "): the bf16 products were not used");
            head.setPrecision(Precision.FP32);
            float[] back = NnTestSupport.forward(head, m, in, false).get("logits").toFloatArray();
            for (int i = 0; i < fp32.length; i++) {
                assertEquals(fp32[i], back[i], 0f, "fp32 again gives the fp32 logits exactly");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void bf16GradientsReachEveryFloat32ParameterInTheFp32Direction(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            HeadConfig config = Recipes.named(name).head().toBuilder().globalEntries(24).dropout(0).build();
            EcrlHead head = NnTestSupport.head(m, config, new HeadShape(8, D, L), 11);
            NDList in = NnTestSupport.streams(m, 8, 8, D);
            NDArray labels = m.create(new long[] {0, 1, 2, 3, 4, 0, 1, 2});
            List<float[]> fp32 = gradients(head, m, in, labels);
            head.setPrecision(Precision.BF16);
            List<float[]> bf16 = gradients(head, m, in, labels);
            double dot = 0;
            double n1 = 0;
            double n2 = 0;
            ai.djl.nn.ParameterList params = head.getParameters();
            for (int k = 0; k < fp32.size(); k++) {
                float[] a = fp32.get(k);
                float[] b = bf16.get(k);
                double norm = 0;
                for (int i = 0; i < a.length; i++) {
                    assertFalse(Float.isNaN(b[i]), name + ": NaN gradient in " + params.get(k).getKey());
                    dot += a[i] * (double) b[i];
                    n1 += a[i] * (double) a[i];
                    n2 += b[i] * (double) b[i];
                    norm += Math.abs(b[i]);
                }
                assertTrue(norm > 0, name + ": " + params.get(k).getKey() + " gets no gradient in bf16");
                assertEquals(DataType.FLOAT32, params.get(k).getValue().getArray().getDataType(),
                        "master weights stay float32");
            }
            double cosine = dot / Math.sqrt(n1 * n2);
            assertTrue(cosine >= GRAD_COSINE, name + ": bf16 and fp32 gradients have cosine " + cosine);
        }
    }

    @Test
    void bf16ProductsMatchFloat32WithinBf16Rounding() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDArray a = m.randomNormal(new Shape(16, 256));
            NDArray b = m.randomNormal(new Shape(256, 8));
            float[] exact = a.matMul(b).toFloatArray();
            float[] half = Layers.matMul(a, b, Precision.BF16, false).toFloatArray();
            double maxErr = 0;
            for (int i = 0; i < exact.length; i++) {
                maxErr = Math.max(maxErr, Math.abs(exact[i] - half[i]));
            }
            // each operand rounded to 8 significant bits: |error| ~ 2^-8 * sqrt(256) on sums of size ~16
            assertTrue(maxErr > 0 && maxErr < 0.5, "bf16 matmul error " + maxErr);
        }
    }

    private static List<float[]> gradients(EcrlHead head, NDManager m, NDList in, NDArray labels) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logits = NnTestSupport.forward(head, m, in, true).get("logits");
            gc.backward(Losses.crossEntropy(logits, labels));
        }
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : head.getParameters()) {
            NDArray g = p.getValue().getArray().getGradient();
            out.add(g.toFloatArray());
            g.subi(g); // the engine accumulates gradients: start the next pass from zero
        }
        return out;
    }
}
