package org.ecrl4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.ecrl4j.recipe.Recipes;
import org.junit.jupiter.api.Test;

class InferenceCacheTest {
    private static final HeadShape SHAPE = new HeadShape(4, 12, 3);

    @Test
    void cachedInferenceGivesTheSameOutputsAndIsFreedOnClose() {
        try (NDManager m = NDManager.newBaseManager()) {
            EcrlHead head = NnTestSupport.head(m, Recipes.named("ecrl").head().toBuilder().globalEntries(10).build(), SHAPE, 5);
            NDList in = NnTestSupport.streams(m, 3, 4, 12);
            NDList plain = NnTestSupport.forward(head, m, in, false);
            NDList cached;
            try (NDManager cacheManager = m.newSubManager(); InferenceCache cache = head.cacheForInference(cacheManager)) {
                cached = NnTestSupport.forward(head, m, in, false);
                // Twice from the same cache: the cached projections are not consumed.
                NDList again = NnTestSupport.forward(head, m, in, false);
                assertTrue(cached.get("logits").allClose(again.get("logits"), 0, 0, false));
                assertThrows(IllegalStateException.class, () -> head.cacheForInference(m),
                        "a second cache on the same head");
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> NnTestSupport.forward(head, m, in, true));
                assertTrue(e.getMessage().contains("close the cache"), e.getMessage());
            }
            for (String name : new String[] {"logits", "F_fd", "a_global", "a_local"}) {
                NDArray a = plain.get(name);
                NDArray b = cached.get(name);
                assertEquals(a.getShape(), b.getShape(), name);
                assertTrue(a.allClose(b, 1e-5, 1e-6, false), name + " differs with the cache by "
                        + a.sub(b).abs().max().getFloat());
            }
            // Closed: training runs again.
            assertEquals(3, NnTestSupport.forward(head, m, in, true).get("logits").getShape().get(0));
        }
    }

    @Test
    void headsWithoutGlcaHaveNothingToCache() {
        try (NDManager m = NDManager.newBaseManager()) {
            EcrlHead head = NnTestSupport.head(m, Recipes.named("fcm-bcm-tsc-bd").head(), SHAPE, 5);
            try (InferenceCache cache = head.cacheForInference(m)) {
                NDList in = NnTestSupport.streams(m, 2, 4, 12);
                assertEquals(2, NnTestSupport.forward(head, m, in, true).get("logits").getShape().get(0));
            }
        }
    }
}
