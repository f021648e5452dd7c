package org.ecrl4j.saliency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The IoU of hand-made masks. */
class SaliencyEvaluatorTest {
    static Mask mask(int w, int h, int... set) {
        byte[] v = new byte[w * h];
        for (int i : set) {
            v[i] = 1;
        }
        return new Mask(w, h, v);
    }

    @Test
    void iouOfHandMadeMasks() {
        // 4x2: P = {0,1,2}, G = {1,2,3,5}: intersection 2, union 5.
        assertEquals(0.4, SaliencyEvaluator.iou(mask(4, 2, 0, 1, 2), mask(4, 2, 1, 2, 3, 5)).getAsDouble(), 1e-12);
        assertEquals(1.0, SaliencyEvaluator.iou(mask(4, 2, 7), mask(4, 2, 7)).getAsDouble(), 1e-12);
        assertEquals(0.0, SaliencyEvaluator.iou(mask(4, 2, 0), mask(4, 2, 1)).getAsDouble(), 1e-12);
        // Only one empty: 0; both empty: undefined.
        assertEquals(0.0, SaliencyEvaluator.iou(mask(4, 2), mask(4, 2, 3)).getAsDouble(), 1e-12);
        assertEquals(0.0, SaliencyEvaluator.iou(mask(4, 2, 3), mask(4, 2)).getAsDouble(), 1e-12);
        assertEquals(OptionalDouble.empty(), SaliencyEvaluator.iou(mask(4, 2), mask(4, 2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SaliencyEvaluator.iou(mask(4, 2), mask(2, 4)));
        assertTrue(e.getMessage().contains("4x2") && e.getMessage().contains("2x4"), e.getMessage());
    }
}
