package org.ecrl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ThreadGradientsTest {
    /** d/dw sum((w * x)^2) = 2 x^2 w: a known answer. */
    private static float[] gradient(NDManager manager, float[] w0, float[] x0, CyclicBarrier together) throws Exception {
        try (NDManager m = manager.newSubManager()) {
            NDArray w = m.create(w0);
            w.setRequiresGradient(true);
            NDArray x = m.create(x0);
            try (ThreadGradients g = new ThreadGradients()) {
                NDArray loss = w.mul(x).square().sum();
                if (together != null) {
                    together.await(); // both threads are recording at once
                }
                g.backward(loss);
            }
            return w.getGradient().toFloatArray();
        }
    }

    @Test
    void backwardGivesTheKnownGradientAndRestoresGradMode() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            boolean before = JniUtils.isGradMode();
            float[] g = gradient(manager, new float[] {1, -2, 3}, new float[] {2, 0.5f, -1}, null);
            assertArrayEquals(new float[] {2 * 4 * 1, 2 * 0.25f * -2, 2 * 1 * 3}, g, 1e-6f);
            assertTrue(JniUtils.isGradMode() == before, "grad mode put back");
        }
    }

    /**
     * Two threads record and back-propagate at the same time (DJL's collector refuses a second one
     * in the process: "Only one can be collecting at a time"); each gets its own known gradient.
     */
    @Test
    void twoThreadsRecordAtTheSameTime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (NDManager manager = NDManager.newBaseManager()) {
            CyclicBarrier together = new CyclicBarrier(2);
            List<Future<float[]>> out = new ArrayList<>();
            for (int k = 1; k <= 2; k++) {
                float s = k;
                out.add(pool.submit(() -> {
                    JniUtils.setGradMode(false);
                    float[] g = gradient(manager, new float[] {s, s}, new float[] {1, 2}, together);
                    assertFalse(JniUtils.isGradMode(), "this thread's grad mode put back");
                    return g;
                }));
            }
            assertArrayEquals(new float[] {2 * 1, 2 * 4 * 1}, out.get(0).get(), 1e-6f);
            assertArrayEquals(new float[] {2 * 2, 2 * 4 * 2}, out.get(1).get(), 1e-6f);
        } finally {
            pool.shutdownNow();
        }
    }
}
