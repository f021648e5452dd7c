package org.ecrl4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    @Test
    void knownAnswerOnHandBuiltLogits() {
        // Six classes, four videos.
        float[] logits = {
            9, 1, 2, 3, 4, 5, // true 0: rank 1
            9, 8, 7, 6, 5, 4, // true 5: rank 6 (worst)
            1, 2, 3, 9, 4, 5, // true 4: rank 3
            0, 0, 0, 0, 0, 0, // true 2: ties broken towards the lower class, rank 3
        };
        long[] labels = {0, 5, 4, 2};
        Evaluation e = Evaluation.of(logits, labels, 6);
        assertEquals(0.25, e.acc1(), 1e-12);
        assertEquals(0.75, e.acc5(), 1e-12);
        assertEquals(5, e.topK());
        int[][] c = e.confusion();
        assertEquals(1, c[0][0]);
        assertEquals(1, c[5][0]);
        assertEquals(1, c[4][3]);
        assertEquals(1, c[2][0]);
        // Classes present: 0 (1/1), 2 (0/1), 4 (0/1), 5 (0/1).
        assertEquals(0.25, e.meanClassAcc(), 1e-12);
    }

    @Test
    void fewerThanFiveClassesReportsTopL() {
        Evaluation e = Evaluation.of(new float[] {0, 1, 2, 2, 1, 0}, new long[] {0, 0}, 3);
        assertEquals(3, e.topK());
        assertEquals(1.0, e.acc5(), 1e-12);
        assertEquals(0.5, e.acc1(), 1e-12);
    }

    @Test
    void meanClassAccuracyWeighsClassesEqually() {
        int[][] confusion = {{8, 2}, {0, 1}};
        assertEquals((0.8 + 1.0) / 2, Evaluation.meanClassAccuracy(confusion), 1e-12);
    }

    @Test
    void badLabelsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Evaluation.of(new float[] {0, 1}, new long[] {2}, 2));
        assertThrows(IllegalArgumentException.class, () -> Evaluation.of(new float[] {0, 1, 2}, new long[] {0}, 2));
    }

    @Test
    void biasMetricsKnownAnswer() {
        BiasMetrics b = BiasMetrics.of(Map.of("iid", 0.9, "bg-shift", 0.3, "obj-shift", 0.8, "bg-only", 0.7));
        assertArrayEquals(new double[] {0.6, 0.1, 0.7}, new double[] {b.biasGap(), b.objectGap(), b.staticBias()}, 1e-12);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> BiasMetrics.of(Map.of("iid", 0.9)));
        assertEquals(true, ex.getMessage().contains("bg-shift"));
    }

    @Test
    void nonFiniteLogitsAreAnErrorNeverAHit() {
        // video 1's logits are NaN: argmax and rank comparisons with NaN are all false, so a
        // silent evaluation would count it a top-1 and top-k hit for class 0
        float[] logits = {
            1, 2, 3,
            Float.NaN, Float.NaN, Float.NaN,
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.of(logits, new long[] {2, 0}, 3));
        assertEquals("logits of video 1 hold NaN (class 0); the model's outputs are not finite: its parameters are"
                + " damaged or training diverged, retrain it", e.getMessage());
        float[] inf = {1, Float.POSITIVE_INFINITY, 3};
        e = assertThrows(IllegalArgumentException.class, () -> Evaluation.of("run runs/a", inf, new long[] {1}, 3));
        assertEquals("run runs/a: logits of video 0 hold Infinity (class 1); the model's outputs are not finite:"
                + " its parameters are damaged or training diverged, retrain it", e.getMessage());
    }
}
