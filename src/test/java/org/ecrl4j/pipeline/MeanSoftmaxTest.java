package org.ecrl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Multi-view testing averages probabilities, not logits: values computed by hand. */
class MeanSoftmaxTest {
    @Test
    void averagesTheSoftmaxOfTheViews() {
        float ln3 = (float) Math.log(3);
        float ln9 = (float) Math.log(9);
        // video 0: (1/4, 3/4) and (3/4, 1/4) -> (1/2, 1/2); video 1: (1/2, 1/2) and (1/10, 9/10) -> (0.3, 0.7)
        float[] out = VideoEvaluation.meanSoftmax(List.of(new float[] {0, ln3, 0, 0}, new float[] {ln3, 0, 0, ln9}), 2);
        assertEquals(0.5, Math.exp(out[0]), 1e-6);
        assertEquals(0.5, Math.exp(out[1]), 1e-6);
        assertEquals(0.3, Math.exp(out[2]), 1e-6);
        assertEquals(0.7, Math.exp(out[3]), 1e-6);
    }

    @Test
    void oneConfidentViewDoesNotOutvoteTwo() {
        // views (0, 10), (2, 0), (2, 0): the mean logits (4/3, 10/3) pick class 1; the mean
        // probabilities p0 = (1 / (1 + e^10) + 2 / (1 + e^-2)) / 3 = 0.587213 pick class 0
        float[] out = VideoEvaluation.meanSoftmax(List.of(new float[] {0, 10}, new float[] {2, 0}, new float[] {2, 0}), 2);
        assertEquals(0.587213, Math.exp(out[0]), 1e-5);
        assertEquals(0.412787, Math.exp(out[1]), 1e-5);
    }

    @Test
    void oneViewIsItsLogits() {
        float[] logits = {1, 2, 3};
        assertSame(logits, VideoEvaluation.meanSoftmax(List.of(logits), 3));
    }
}
