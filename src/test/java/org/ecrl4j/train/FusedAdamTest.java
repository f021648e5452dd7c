package org.ecrl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FusedAdamTest {
    /** A schedule that changes every update, so a wrong update count would show. */
    private static final Tracker SCHEDULE = t -> 0.01f / t;

    private static Linear layer(NDManager m) {
        Linear l = Linear.builder().setUnits(5000).build(); // 5000 x 7 weights: more than one 4096 block
        Engine.getInstance().setRandomSeed(3);
        l.initialize(m, DataType.FLOAT32, new Shape(1, 7));
        return l;
    }

    private static void backward(NDManager m, Linear l, int step) {
        NDArray x = m.randomNormal(0, 1, new Shape(4, 7), DataType.FLOAT32).add(step);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = l.forward(new ParameterStore(m, false), new NDList(x), true).head();
            gc.backward(y.mul(y).sum());
        }
    }

    private static List<Parameter> params(Linear l) {
        List<Parameter> p = new ArrayList<>();
        l.getParameters().forEach(e -> p.add(e.getValue()));
        return p;
    }

    @Test
    void matchesDjlAdamWithWeightDecayAndZeroesTheGradients() {
        for (int threads : new int[] {1, 2}) {
            try (NDManager m = NDManager.newBaseManager()) {
                Linear ours = layer(m);
                Linear djl = layer(m);
                assertTrue(params(ours).get(0).getArray().contentEquals(params(djl).get(0).getArray()));
                NDArray initial = params(ours).get(0).getArray().duplicate();
                FusedAdam fused = new FusedAdam(SCHEDULE, 1e-2f, threads);
                Optimizer reference = Optimizer.adam().optLearningRateTracker(SCHEDULE).optWeightDecays(1e-2f).build();
                for (int step = 0; step < 4; step++) {
                    Engine.getInstance().setRandomSeed(100 + step);
                    backward(m, ours, step);
                    Engine.getInstance().setRandomSeed(100 + step);
                    backward(m, djl, step);
                    fused.step(params(ours));
                    for (Parameter p : params(djl)) {
                        NDArray g = p.getArray().getGradient();
                        reference.update(p.getId(), p.getArray(), g);
                        g.subi(g);
                        g.close();
                    }
                    for (Parameter p : params(ours)) {
                        try (NDArray g = p.getArray().getGradient()) {
                            assertEquals(0f, g.abs().max().getFloat(), p.getName() + " gradient not zeroed");
                        }
                    }
                }
                assertEquals(4, fused.updates());
                assertTrue(params(ours).get(0).getArray().sub(initial).abs().max().getFloat() > 1e-3f,
                        "four updates at lr 1e-2 must move the weights");
                List<Parameter> a = params(ours);
                List<Parameter> b = params(djl);
                for (int i = 0; i < a.size(); i++) {
                    NDArray wa = a.get(i).getArray();
                    NDArray wb = b.get(i).getArray();
                    assertTrue(wa.allClose(wb, 1e-5, 1e-7, false), a.get(i).getName() + " differs from DJL's Adam by "
                            + wa.sub(wb).abs().max().getFloat() + " (" + threads + " threads)");
                }
            }
        }
    }

    @Test
    void rejectsBadSettings() {
        for (Runnable bad : new Runnable[] {() -> new FusedAdam(SCHEDULE, -1f, 1),
            () -> new FusedAdam(SCHEDULE, 0f, 0), () -> new FusedAdam(SCHEDULE, 0f, 1f, 0.999f, 1e-8f, 1)}) {
            try {
                bad.run();
                throw new AssertionError("accepted a bad setting");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains("got"), expected.getMessage());
            }
        }
    }
}
