package org.ecrl4j.nn;

import org.ecrl4j.util.Precision;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Background de-biasing by back-door intervention, BD (paper Eq. 4-7; MODEL.md section 3).
 *
 * <pre>
 *   μ    = softmax_i((W_q J)·(W_k z_i) / sqrt(d_a))   (dot)   or
 *          softmax_i(w_t · tanh(W_q J + W_k z_i))      (additive)      (B,K_c)
 *   E_z  = Σ_i μ_i p_i z_i                             (Eq. 7)         (B,d)
 *   F_cc = W_a J + W_b E_z                             (Eq. 6)         (B,d)
 * </pre>
 *
 * <p>Inputs NDList(J (B,d), Z (K_c,d), p (K_c)); output NDList(F_cc (B,d), μ (B,K_c)). The
 * ablations of Table 4: without μ every μ_i = 1 (and W_q, W_k do not exist); without the prior
 * every p_i = 1/K_c. Z and p are inputs, not parameters: they are built from the training set and
 * never trained.
 *
 * <p>Eq. 6 has no bias; W_a here has one, b_a, and it is kept on purpose. F_cc only feeds
 * classifier_1, so S1 = W_1 (W_a J + b_a + W_b E_z) + b_1 = W_1 (W_a J + W_b E_z) + (W_1 b_a + b_1):
 * b_a only moves the logits' constant, which b_1 already holds. The function the head computes is
 * the same set with or without it (MODEL.md sections 3 and 6), and the paper's model is the one with
 * b_a = 0. Keeping it leaves every parameter file and checkpoint written so far readable as it is
 * (the frozen {@code head-checkpoint-v1.bin} included); the outside reference
 * ({@code tools/reference/ecrl_head.py}) takes W_a as an affine map and matches to 1e-5.
 */
public final class BackdoorAdjustment extends AbstractBlock implements MixedPrecision {
    private final int width;
    private final int attentionWidth;
    private final BdAttention attention;
    private final boolean useMu;
    private final boolean usePrior;
    private final Linear query;
    private final Linear key;
    private final Linear additiveScore;
    private final Linear wa;
    private final Linear wb;
    private Precision precision = Precision.FP32;

    /**
     * @param width d
     * @param attentionWidth d_a, the width of the query and key projections
     * @param attention dot or additive
     * @param useMu false for the "without μ" ablation
     * @param usePrior false for the "without P(z)" ablation
     */
    public BackdoorAdjustment(int width, int attentionWidth, BdAttention attention, boolean useMu,
            boolean usePrior) {
        this.width = width;
        this.attentionWidth = attentionWidth;
        this.attention = attention;
        this.useMu = useMu;
        this.usePrior = usePrior;
        if (useMu) {
            query = addChildBlock("query", Layers.linear(attentionWidth, false));
            key = addChildBlock("key", Layers.linear(attentionWidth, false));
            additiveScore = attention == BdAttention.ADDITIVE
                    ? addChildBlock("additive_score", Layers.linear(1, false)) : null;
        } else {
            query = null;
            key = null;
            additiveScore = null;
        }
        wa = addChildBlock("wa", Layers.linear(width, true));
        wb = addChildBlock("wb", Layers.linear(width, false));
    }

    /**
     * E_z = Σ_i μ_i p_i z_i (paper Eq. 7), the expectation over the confounders.
     *
     * @param mu (B, K_c)
     * @param prior (K_c)
     * @param z (K_c, d)
     * @return (B, d)
     */
    public static NDArray expectation(NDArray mu, NDArray prior, NDArray z) {
        return mu.mul(prior.expandDims(0)).matMul(z);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (inputs.size() != 3) {
            throw new IllegalArgumentException("BD takes (J, Z, p), got " + inputs.size() + " inputs");
        }
        NDArray j = inputs.get(0);
        NDArray z = inputs.get(1);
        NDArray p = inputs.get(2);
        Shapes.require(j, "J", "B,d", Shapes.ANY, width);
        Shapes.require(z, "confounder dictionary Z", "K_c,d", Shapes.ANY, width);
        long k = z.getShape().get(0);
        Shapes.require(p, "confounder prior p", "K_c", k);
        NDManager step = j.getManager();
        long batch = j.getShape().get(0);
        NDArray mu;
        if (!useMu) {
            mu = step.ones(new Shape(batch, k));
        } else {
            NDArray q = query.forward(ps, new NDList(j), training).head(); // (B,d_a)
            NDArray kz = Layers.local(key.forward(ps, new NDList(z), training).head(), step); // (K,d_a)
            NDArray scores;
            if (attention == BdAttention.DOT) {
                scores = Layers.scale(Layers.matMul(q, kz.transpose(), precision, training), 1 / Math.sqrt(attentionWidth)); // (B,K)
            } else {
                NDArray hidden = q.expandDims(1).add(kz.expandDims(0)).tanh(); // (B,K,d_a)
                scores = additiveScore.forward(ps, new NDList(hidden), training).head().squeeze(-1);
            }
            mu = scores.softmax(-1);
        }
        NDArray prior = usePrior ? p : step.full(new Shape(k), 1f / k);
        NDArray ez = expectation(mu, prior, z);
        NDArray fcc = wa.forward(ps, new NDList(j), training).head()
                .add(wb.forward(ps, new NDList(ez), training).head());
        return new NDList(fcc, mu);
    }

    @Override
    public void setPrecision(Precision p) {
        precision = p;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        long k = inputShapes.length > 1 ? inputShapes[1].get(0) : -1;
        return new Shape[] {new Shape(b, width), new Shape(b, k)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape vec = new Shape(1, width);
        if (useMu) {
            query.initialize(manager, dataType, vec);
            key.initialize(manager, dataType, vec);
            if (additiveScore != null) {
                additiveScore.initialize(manager, dataType, new Shape(1, 1, attentionWidth));
            }
        }
        wa.initialize(manager, dataType, vec);
        wb.initialize(manager, dataType, vec);
    }
}
