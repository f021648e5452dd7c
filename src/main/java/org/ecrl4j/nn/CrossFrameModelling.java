package org.ecrl4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Cross-frame correlation modelling, CCM (paper Eq. 2; MODEL.md section 2). FCM is this block on
 * the foreground stream S, BCM on the background stream C.
 *
 * <pre>
 *   X'  = X + TSC(X)                      (B,T,d)  (X' = X without TSC)
 *   x̄   = mean_t X'                       (B,d)
 *   u   = tanh(W_u x̄ + b_u)               (B,d)
 *   w   = softmax_t(w_e · (u ⊙ X'_t))      (B,T)
 *   F_r = W_ρ [Σ_t w_t X'_t ; x̄] + b_ρ    (B,d)
 * </pre>
 *
 * <p>Input (B, T, d); output NDList(F_r (B, d), w (B, T)). With {@link CrossFrame#NONE} the block
 * returns F_r = x̄ of the raw stream and uniform weights, and has no parameters.
 */
public final class CrossFrameModelling extends AbstractBlock {
    private final CrossFrame mode;
    private final int frames;
    private final int width;
    private final TemporalSelfAttention tsc;
    private final Linear context;
    private final Linear score;
    private final Linear output;

    public CrossFrameModelling(CrossFrame mode, int frames, int width) {
        this.mode = mode;
        this.frames = frames;
        this.width = width;
        tsc = mode == CrossFrame.CCM_TSC
                ? addChildBlock("tsc", new TemporalSelfAttention(frames, width)) : null;
        if (mode == CrossFrame.NONE) {
            context = null;
            score = null;
            output = null;
        } else {
            context = addChildBlock("context", Layers.linear(width, true));
            score = addChildBlock("score", Layers.linear(1, false));
            output = addChildBlock("output", Layers.linear(width, true));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shapes.require(x, "CCM input", "B,T,d", Shapes.ANY, frames, width);
        if (mode == CrossFrame.NONE) {
            NDArray weights = x.getManager().full(new Shape(x.getShape().get(0), frames), 1f / frames);
            return new NDList(x.mean(new int[] {1}), weights);
        }
        if (tsc != null) {
            x = tsc.forward(ps, new NDList(x), training).head();
        }
        NDArray mean = x.mean(new int[] {1}); // (B,d)
        NDArray u = context.forward(ps, new NDList(mean), training).head().tanh(); // (B,d)
        NDArray scores = score.forward(ps, new NDList(u.expandDims(1).mul(x)), training)
                .head().squeeze(-1); // (B,T,1) -> (B,T)
        NDArray weights = scores.softmax(-1);
        NDArray pooled = weights.expandDims(-1).mul(x).sum(new int[] {1}); // (B,d)
        NDArray fr = output.forward(ps, new NDList(NDArrays.concat(new NDList(pooled, mean), -1)),
                training).head();
        return new NDList(fr, weights);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return new Shape[] {new Shape(b, width), new Shape(b, frames)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (mode == CrossFrame.NONE) {
            return;
        }
        if (tsc != null) {
            tsc.initialize(manager, dataType, new Shape(1, frames, width));
        }
        context.initialize(manager, dataType, new Shape(1, width));
        score.initialize(manager, dataType, new Shape(1, frames, width));
        output.initialize(manager, dataType, new Shape(1, 2L * width));
    }
}
