package org.ecrl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.data.NpyArray;
import org.ecrl4j.data.Npz;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.nn.Losses;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * ecrl4j's head against the outside PyTorch reference ({@code tools/reference/ecrl_head.py}, written
 * from the paper and MODEL.md): for every Table 3 row, the Table 4 options and {@code ecrl-plus},
 * the logits within 1e-5 and the gradient of the cross-entropy loss with respect to every parameter
 * within 1e-4. The head is built as training builds it (Z, p and the start of G from the training
 * features), then takes the exported parameters, all but G: the reference computes Z, p and G on its
 * own (class averages, class frequency, k-means), so a dictionary or a G that is not what MODEL.md
 * says shows here. Regenerate the files with {@code tools/reference/regenerate-golden.sh}.
 */
class GoldenHeadTest {
    private static final Path DIR = Path.of("src/test/resources/golden");
    private static final double LOGIT_TOL = 1e-5;
    private static final double GRAD_TOL = 1e-4;

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesTheReference() {
        FeatureSet train = GoldenHead.features();
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, HeadConfig> e : GoldenHead.cases().entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> check(e.getKey(), e.getValue(), train)));
        }
        assertEquals(12, tests.size(), "8 Table 3 rows, 3 Table 4 options besides dot, ecrl-plus");
        return tests.stream();
    }

    private static void check(String name, HeadConfig config, FeatureSet train) throws Exception {
        Map<String, NpyArray> expected = Npz.read(DIR.resolve(name + ".expected.npz"));
        try (HeadModel model = GoldenHead.build(config, train)) {
            ParameterArchive.read(model.head(), DIR.resolve(name + ".params.npz"), GoldenHead.GLOBAL::equals);
            Map<String, Parameter> params = ParameterArchive.named(model.head());
            int[] perm = null;
            if (config.backdoor()) {
                close(name + ": confounder dictionary Z (class averages of F_c)", expected.get("Z"),
                        model.dictionary().flatEntries(), 1e-5);
                close(name + ": prior p (class frequency)", expected.get("p"), model.dictionary().prior(), 1e-6);
            }
            if (config.frontdoor()) {
                // G holds the k-means centres; the order of the entries is arbitrary.
                perm = matchRows(name, expected.get("G"), params.get(GoldenHead.GLOBAL).getArray().toFloatArray(),
                        GoldenHead.D);
            }
            try (NDManager step = model.manager().newSubManager()) {
                NDList batch = train.batch(step, java.util.stream.IntStream.range(0, train.count()).toArray());
                NDArray logits;
                NDArray loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDList out = model.head().forward(new ParameterStore(step, false),
                            new NDList(batch.get(0), batch.get(1), batch.get(2)), true);
                    logits = out.get("logits");
                    loss = Losses.crossEntropy(logits, batch.get(3));
                    gc.backward(loss);
                }
                close(name + ": logits", expected.get("logits"), logits.toFloatArray(), LOGIT_TOL);
                close(name + ": loss", expected.get("loss"), new float[] {loss.getFloat()}, LOGIT_TOL);
                int checked = 0;
                for (Map.Entry<String, Parameter> p : params.entrySet()) {
                    NpyArray g = expected.get("grad." + p.getKey());
                    if (g == null) {
                        fail(name + ": the reference has no gradient for " + p.getKey());
                    }
                    float[] got = p.getValue().getArray().getGradient().toFloatArray();
                    if (p.getKey().equals(GoldenHead.GLOBAL)) {
                        got = permuteRows(got, perm, GoldenHead.D);
                    }
                    close(name + ": gradient of " + p.getKey(), g, got, GRAD_TOL);
                    checked++;
                }
                long referenceGrads = expected.keySet().stream().filter(k -> k.startsWith("grad.")).count();
                assertEquals(referenceGrads, checked, name + ": the reference and ecrl4j have other parameters");
                for (Parameter p : params.values()) {
                    p.getArray().getGradient().subi(p.getArray().getGradient()); // the engine accumulates
                }
            }
        }
    }

    /** For every reference row, the index of the ecrl4j row equal to it within 1e-4 (a permutation). */
    private static int[] matchRows(String name, NpyArray reference, float[] got, int width) {
        double[] ref = reference.toDoubleArray();
        int rows = ref.length / width;
        assertEquals(ref.length, got.length, name + ": G's size");
        int[] perm = new int[rows];
        boolean[] used = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            int best = -1;
            double bestDist = Double.POSITIVE_INFINITY;
            for (int j = 0; j < rows; j++) {
                double dist = 0;
                for (int c = 0; c < width; c++) {
                    dist = Math.max(dist, Math.abs(ref[i * width + c] - got[j * width + c]));
                }
                if (!used[j] && dist < bestDist) {
                    bestDist = dist;
                    best = j;
                }
            }
            assertTrue(bestDist < 1e-4, name + ": G entry " + i + " of the reference's k-means centres is not in"
                    + " the head's G (nearest differs by " + bestDist + "): G does not start from the k-means centres");
            used[best] = true;
            perm[i] = best;
        }
        return perm;
    }

    private static float[] permuteRows(float[] values, int[] perm, int width) {
        float[] out = new float[values.length];
        for (int i = 0; i < perm.length; i++) {
            System.arraycopy(values, perm[i] * width, out, i * width, width);
        }
        return out;
    }

    private static void close(String what, NpyArray expected, float[] got, double tol) {
        double[] want = expected.toDoubleArray();
        assertEquals(want.length, got.length, what + ": size");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < want.length; i++) {
            double diff = Math.abs(want[i] - got[i]);
            if (!(diff <= worst)) {
                worst = diff;
                at = i;
            }
        }
        assertTrue(worst <= tol, String.format(java.util.Locale.ROOT,
                "%s differs from the reference by %.3g at %d (expected %.7g, got %.7g; tolerance %.0e)",
                what, worst, at, at < 0 ? Double.NaN : want[at], at < 0 ? Double.NaN : got[at], tol));
    }
}
