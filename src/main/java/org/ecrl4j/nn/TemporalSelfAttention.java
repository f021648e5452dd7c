package org.ecrl4j.nn;

import org.ecrl4j.util.Precision;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * Temporal self-attention over the frames of a stream (TSC, the "cross-frame modelling" of paper
 * Table 3): {@code X' = X + softmax((W_q H)(W_k H)^T / sqrt(d)) (W_v H)} with {@code H = X + P} and
 * a learned positional embedding P (T, d) (MODEL.md section 2).
 *
 * <p>The key projection's bias b_k adds q_t · b_k to every score of query frame t, the same for
 * every key, so the softmax over the keys ignores it and it never receives a gradient (the golden
 * reference of issue 14 shows it exactly zero). It is kept so that parameter files keep their
 * layout; it costs d parameters per stream.
 *
 * <p>Input (B, T, d); output (B, T, d).
 */
public final class TemporalSelfAttention extends AbstractBlock implements MixedPrecision {
    private final int frames;
    private final int width;
    private final Parameter position;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private Precision precision = Precision.FP32;

    public TemporalSelfAttention(int frames, int width) {
        this.frames = frames;
        this.width = width;
        position = addParameter(Parameter.builder().setName("position").setType(Parameter.Type.OTHER)
                .optInitializer(Initializer.ZEROS).optShape(new Shape(frames, width)).build());
        query = addChildBlock("query", Layers.linear(width, true));
        key = addChildBlock("key", Layers.linear(width, true));
        value = addChildBlock("value", Layers.linear(width, true));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shapes.require(x, "TSC input", "B,T,d", Shapes.ANY, frames, width);
        NDArray h = x.add(ps.getValue(position, x.getDevice(), training)); // (B,T,d)
        NDArray q = query.forward(ps, new NDList(h), training).head();
        NDArray k = key.forward(ps, new NDList(h), training).head();
        NDArray v = value.forward(ps, new NDList(h), training).head();
        NDArray scores = Layers.scale(Layers.matMul(q, k.transpose(0, 2, 1), precision, training), 1 / Math.sqrt(width)); // (B,T,T)
        NDArray attention = scores.softmax(-1);
        return new NDList(x.add(Layers.matMul(attention, v, precision, training)));
    }

    @Override
    public void setPrecision(Precision p) {
        precision = p;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape frameShape = new Shape(1, frames, width);
        query.initialize(manager, dataType, frameShape);
        key.initialize(manager, dataType, frameShape);
        value.initialize(manager, dataType, frameShape);
    }
}
