package org.ecrl4j.nn;

import org.ecrl4j.util.Precision;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The attention unit A(Q, X) of global-local causal attention (paper Eq. 12-15; MODEL.md section
 * 4).
 *
 * <pre>
 *   q̄   = mean_t Q                                        (B,d)
 *   h_n = [W_v X_n ; (W_q q̄) ⊙ (W_k X_n)]                  (Eq. 15's fusion)
 *   a   = softmax_n(w_a · ReLU(W_h h_n + b_h) + b_a)       (B,N)
 *   A   = Σ_n a_n X_n                                      (B,d)
 * </pre>
 *
 * <p>The score bias b_a of Eq. 15 is left out: softmax over n is invariant to a constant shift,
 * so b_a would never receive a gradient (a test checks that every parameter does).
 *
 * <p>W_h acting on the concatenation is stored as its two halves, W_h [h1 ; h2] = W_h1 h1 + W_h2
 * h2, which is the same linear map: it lets the shared form compute W_h1 W_v X once per step.
 *
 * <p>Inputs NDList(Q (B,T,d), X): with X (B,N,d) each video attends over its own candidates (the
 * local branch, X = Q); with X (N,d) every video attends over one shared candidate set (the global
 * dictionary G) and the batch-independent terms W_v X, W_k X and W_h1 W_v X are computed once per
 * call, as is the dropout mask on X. Output NDList(A (B,d), a (B,N)). Dropout (default 0.15,
 * reference) applies to X during training.
 *
 * <p>In inference the shared terms depend on parameters only; {@link #sharedProjections} computes
 * them once and the inputs NDList(Q, X, V, K) with V = W_h1 W_v X + b_h (N,d) and K = W_k X (N,d)
 * reuse them (GLCA does this for G while an inference cache is open). Training refuses them: its
 * dropout mask on X changes every step and the parameters move.
 */
public final class CausalAttentionUnit extends AbstractBlock implements MixedPrecision {
    private final int width;
    private final float dropout;
    private final Linear wv;
    private final Linear wq;
    private final Linear wk;
    private final Linear wh1;
    private final Linear wh2;
    private final Linear wa;
    private Precision precision = Precision.FP32;

    public CausalAttentionUnit(int width, float dropout) {
        this.width = width;
        this.dropout = dropout;
        wv = addChildBlock("wv", Layers.linear(width, false));
        wq = addChildBlock("wq", Layers.linear(width, false));
        wk = addChildBlock("wk", Layers.linear(width, false));
        wh1 = addChildBlock("wh_value", Layers.linear(width, true));
        wh2 = addChildBlock("wh_query_key", Layers.linear(width, false));
        wa = addChildBlock("wa", Layers.linear(1, false));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (inputs.size() != 2 && inputs.size() != 4) {
            throw new IllegalArgumentException("The attention unit takes (Q, X) or (Q, X, V, K), got "
                    + inputs.size() + " inputs");
        }
        NDArray q = inputs.get(0);
        NDArray x = inputs.get(1);
        Shapes.require(q, "attention query Q", "B,T,d", Shapes.ANY, Shapes.ANY, width);
        NDManager step = q.getManager();
        boolean shared = x.getShape().dimension() == 2;
        if (shared) {
            Shapes.require(x, "shared candidates X", "N,d", Shapes.ANY, width);
        } else {
            Shapes.require(x, "candidates X", "B,N,d", q.getShape().get(0), Shapes.ANY, width);
        }
        boolean precomputed = inputs.size() == 4;
        if (precomputed && (training || !shared)) {
            throw new IllegalArgumentException("Precomputed projections (Q, X, V, K) are for shared candidates"
                    + " X (N,d) in inference only");
        }
        if (training && dropout > 0) {
            x = Layers.local(Dropout.dropout(x, dropout, true).head(), step);
        }
        NDArray qm = wq.forward(ps, new NDList(q.mean(new int[] {1})), training).head(); // (B,d)
        NDArray value;
        NDArray key;
        if (precomputed) {
            value = inputs.get(2);
            key = inputs.get(3);
            Shapes.require(value, "precomputed W_h1 W_v X + b_h", "N,d", x.getShape().get(0), width);
            Shapes.require(key, "precomputed W_k X", "N,d", x.getShape().get(0), width);
        } else {
            // W_v X is re-homed too: with X = G (inference, no dropout) it would land in the model's manager.
            NDArray projected = Layers.local(wv.forward(ps, new NDList(x), training).head(), step);
            value = Layers.local(wh1.forward(ps, new NDList(projected), training).head(), step); // (N,d) or (B,N,d)
            key = Layers.local(wk.forward(ps, new NDList(x), training).head(), step);
        }
        NDArray fused = qm.expandDims(1).mul(shared ? key.expandDims(0) : key); // (B,N,d)
        NDArray hidden = wh2.forward(ps, new NDList(fused), training).head()
                .add(shared ? value.expandDims(0) : value); // (B,N,d)
        hidden = ai.djl.nn.Activation.relu(hidden);
        NDArray weights = wa.forward(ps, new NDList(hidden), training).head().squeeze(-1).softmax(-1);
        NDArray out = shared
                ? Layers.matMul(weights, x, precision, training) // (B,N) x (N,d)
                : Layers.matMul(weights.expandDims(1), x, precision, training).squeeze(1); // (B,1,N) x (B,N,d)
        return new NDList(out, weights);
    }

    /**
     * The inference-time shared terms for candidates X (N,d): NDList(W_h1 W_v X + b_h, W_k X), each
     * (N,d), owned by {@code manager}. Pass them as the third and fourth inputs to skip their
     * computation.
     */
    public NDList sharedProjections(ParameterStore ps, NDArray x, NDManager manager) {
        Shapes.require(x, "shared candidates X", "N,d", Shapes.ANY, width);
        NDList projected = wv.forward(ps, new NDList(x), false);
        NDArray value = wh1.forward(ps, projected, false).head();
        NDArray key = wk.forward(ps, new NDList(x), false).head();
        projected.head().attach(manager);
        return new NDList(Layers.local(value, manager), Layers.local(key, manager));
    }

    @Override
    public void setPrecision(Precision p) {
        precision = p;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        Shape x = inputShapes[1];
        return new Shape[] {new Shape(b, width), new Shape(b, x.get(x.dimension() - 2))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape vec = new Shape(1, width);
        for (Linear l : new Linear[] {wv, wq, wk, wh1, wh2}) {
            l.initialize(manager, dataType, vec);
        }
        wa.initialize(manager, dataType, vec);
    }
}
