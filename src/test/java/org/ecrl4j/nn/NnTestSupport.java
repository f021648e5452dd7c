package org.ecrl4j.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/** Helpers for the block tests: random streams and a head ready to run. */
final class NnTestSupport {
    private NnTestSupport() {}

    static NDList streams(NDManager m, int b, int t, int d) {
        return new NDList(m.randomNormal(new Shape(b, t, d)), m.randomNormal(new Shape(b, t, d)),
                m.randomNormal(new Shape(b, t, d)));
    }

    static EcrlHead head(NDManager m, HeadConfig config, HeadShape shape, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        EcrlHead head = new EcrlHead(config, shape);
        head.initialize(m);
        if (config.backdoor()) {
            NDArray z = m.randomNormal(new Shape(5, shape.width()));
            NDArray p = m.create(new float[] {0.1f, 0.2f, 0.3f, 0.25f, 0.15f});
            head.setConfounders(z, p);
        }
        return head;
    }

    static NDList forward(EcrlHead head, NDManager m, NDList inputs, boolean training) {
        return head.forward(new ParameterStore(m, false), inputs, training);
    }
}
