package org.ecrl4j.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ecrl4j.nn.Losses;
import org.ecrl4j.nn.backbone.PooledClassifier;
import org.ecrl4j.nn.backbone.TinyVideoNet;
import org.junit.jupiter.api.Test;

/**
 * Grad-CAM on a tiny backbone trained here: class 0 is a bright square somewhere in the top-left
 * quadrant, class 1 the same square in the bottom-right quadrant, on noise. The evidence for each
 * class sits in its quadrant, so the map's maximum must lie there.
 */
class GradCamTest {
    static final int SIZE = 32;
    static final int FRAMES = 2;

    /**
     * Clips (n, 3, T, SIZE, SIZE) with labels n % 2 (fills {@code labels}): class 0 has a red square
     * in the top-left quadrant, class 1 a blue one in the bottom-right quadrant; every clip also has a
     * grey square (no class evidence) in the top-right quadrant, all on noise.
     */
    static float[] clips(int n, long[] labels, Random r) {
        float[] x = new float[n * 3 * FRAMES * SIZE * SIZE];
        int half = SIZE / 2;
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            int ox = (labels[i] == 0 ? 0 : half) + 2 + r.nextInt(half - 8);
            int oy = (labels[i] == 0 ? 0 : half) + 2 + r.nextInt(half - 8);
            int gx = half + 2 + r.nextInt(half - 8);
            int gy = 2 + r.nextInt(half - 8);
            int colour = labels[i] == 0 ? 0 : 2;
            for (int c = 0; c < 3; c++) {
                for (int t = 0; t < FRAMES; t++) {
                    for (int y = 0; y < SIZE; y++) {
                        for (int xx = 0; xx < SIZE; xx++) {
                            boolean square = xx >= ox && xx < ox + 5 && y >= oy && y < oy + 5;
                            boolean grey = xx >= gx && xx < gx + 5 && y >= gy && y < gy + 5;
                            float v = square && c == colour ? 1.5f : grey ? 0.8f : 0f;
                            x[(((i * 3 + c) * FRAMES + t) * SIZE + y) * SIZE + xx] = v + (float) (0.3 * r.nextGaussian());
                        }
                    }
                }
            }
        }
        return x;
    }

    @Test
    void theMapsMaximumLiesWhereTheClassEvidenceIs() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TinyVideoNet net = TinyVideoNet.create(manager, List.of(8, 16), 3);
            PooledClassifier model = new PooledClassifier(net, 2);
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, FRAMES, SIZE, SIZE));
            List<Parameter> params = new ArrayList<>(net.trainableParameters());
            model.fc().getParameters().forEach(p -> params.add(p.getValue()));
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).build();
            Random r = new Random(7);
            Engine.getInstance().setRandomSeed(7);
            for (int step = 0; step < 60; step++) {
                long[] labels = new long[16];
                float[] x = clips(16, labels, r);
                try (NDManager s = manager.newSubManager()) {
                    NDArray input = s.create(x, new Shape(16, 3, FRAMES, SIZE, SIZE));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = model.forward(new ParameterStore(s, false), new NDList(input), true).head();
                        gc.backward(Losses.crossEntropy(logits, s.create(labels)));
                    }
                    for (Parameter p : params) {
                        NDArray g = p.getArray().getGradient();
                        g.attach(s);
                        adam.update(p.getId(), p.getArray(), g);
                        g.subi(g); // gradients accumulate in the PyTorch engine
                    }
                }
            }
            Random test = new Random(11);
            int right = 0;
            int n = 20;
            long[] labels = new long[n];
            float[] all = clips(n, labels, test);
            int len = 3 * FRAMES * SIZE * SIZE;
            int correct = 0;
            for (int i = 0; i < n; i++) {
                long[] label = {labels[i]};
                float[] one = java.util.Arrays.copyOfRange(all, i * len, (i + 1) * len);
                GradCam.Result cam;
                try (NDManager s = manager.newSubManager()) {
                    cam = GradCam.compute(net, GradCam.pooled(model), s.create(one, new Shape(1, 3, FRAMES, SIZE, SIZE)),
                            (int) label[0]);
                }
                assertEquals(FRAMES, cam.maps().length);
                assertEquals(SIZE / 4, cam.maps()[0].length, "two stride-2 stages");
                assertEquals((int) label[0], cam.targetClass());
                correct += cam.logits()[(int) label[0]] > cam.logits()[1 - (int) label[0]] ? 1 : 0;
                for (float[][] map : cam.maps()) {
                    int[] at = argmax(map);
                    int half = map.length / 2;
                    boolean inQuadrant = label[0] == 0 ? at[0] < half && at[1] < half : at[0] >= half && at[1] >= half;
                    right += inQuadrant ? 1 : 0;
                }
            }
            System.out.println("GradCamTest: " + right + " of " + n * FRAMES + " maps peak in the quadrant, " + correct
                    + " of " + n + " clips right");
            assertTrue(correct >= 0.9 * n, "the tiny model learned the task: " + correct + " of " + n);
            assertTrue(right >= 0.9 * n * FRAMES, right + " of " + n * FRAMES + " maps peak in the class's quadrant");
            // The predicted class is the default target; an out-of-range class is named.
            try (NDManager s = manager.newSubManager()) {
                NDArray clip = s.create(clips(1, new long[1], test), new Shape(1, 3, FRAMES, SIZE, SIZE));
                GradCam.Result predicted = GradCam.compute(net, GradCam.pooled(model), clip, -1);
                float[] l = predicted.logits();
                assertEquals(l[0] >= l[1] ? 0 : 1, predicted.targetClass());
                assertTrue(assertThrows(IllegalArgumentException.class,
                        () -> GradCam.compute(net, GradCam.pooled(model), clip, 5)).getMessage().contains("2 classes"));
            }
        }
    }

    static int[] argmax(float[][] map) {
        int[] best = {0, 0};
        for (int y = 0; y < map.length; y++) {
            for (int x = 0; x < map[y].length; x++) {
                if (map[y][x] > map[best[0]][best[1]]) {
                    best = new int[] {y, x};
                }
            }
        }
        return best;
    }
}
