package org.ecrl4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BlocksTest {
    static final int D = 6;

    private static NDList run(ai.djl.nn.Block block, NDManager m, boolean training, NDArray... in) {
        return block.forward(new ParameterStore(m, false), new NDList(in), training);
    }

    /** Rows of (B, N) weights each sum to 1 and are not all equal (no softmax over a size-1 axis). */
    private static void assertProperAttention(NDArray weights, long n) {
        assertEquals(n, weights.getShape().get(1));
        float[] sums = weights.sum(new int[] {1}).toFloatArray();
        for (float s : sums) {
            assertEquals(1f, s, 1e-5f);
        }
        float[] w = weights.toFloatArray();
        boolean varies = false;
        for (int i = 1; i < n; i++) {
            varies |= Math.abs(w[i] - w[0]) > 1e-6f;
        }
        assertTrue(varies, "attention weights are uniform over the axis: " + java.util.Arrays.toString(w));
    }

    @ParameterizedTest
    @EnumSource(CrossFrame.class)
    void ccmShapesAndFrameWeights(CrossFrame mode) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            CrossFrameModelling ccm = new CrossFrameModelling(mode, 5, D);
            ccm.initialize(m, DataType.FLOAT32, new Shape(1, 5, D));
            NDArray x1 = m.randomNormal(new Shape(3, 5, D));
            NDArray x2 = m.randomNormal(new Shape(3, 5, D));
            NDList o1 = run(ccm, m, false, x1);
            assertEquals(new Shape(3, D), o1.get(0).getShape());
            assertEquals(new Shape(3, 5), o1.get(1).getShape());
            if (mode == CrossFrame.NONE) {
                assertTrue(o1.get(0).allClose(x1.mean(new int[] {1})));
                return;
            }
            assertProperAttention(o1.get(1), 5);
            NDList o2 = run(ccm, m, false, x2);
            assertTrue(!o1.get(1).allClose(o2.get(1)), "frame weights must depend on the input");
        }
    }

    @Test
    void ccmWithoutTscMatchesEquationTwoByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            CrossFrameModelling ccm = new CrossFrameModelling(CrossFrame.CCM, 3, D);
            ccm.initialize(m, DataType.FLOAT32, new Shape(1, 3, D));
            NDArray x = m.randomNormal(new Shape(2, 3, D));
            NDList out = run(ccm, m, false, x);
            // Recompute Eq. 2 from the block's own parameters with plain tensor maths.
            var params = ccm.getParameters();
            NDArray wu = params.get("01context_weight").getArray();
            NDArray bu = params.get("01context_bias").getArray();
            NDArray we = params.get("02score_weight").getArray();
            NDArray wr = params.get("03output_weight").getArray();
            NDArray br = params.get("03output_bias").getArray();
            NDArray mean = x.mean(new int[] {1});
            NDArray u = mean.matMul(wu.transpose()).add(bu).tanh();
            NDArray w = u.expandDims(1).mul(x).matMul(we.transpose()).squeeze(-1).softmax(-1);
            NDArray pooled = w.expandDims(-1).mul(x).sum(new int[] {1});
            NDArray fr = pooled.concat(mean, -1).matMul(wr.transpose()).add(br);
            assertTrue(out.get(0).allClose(fr, 1e-5, 1e-6, false));
            assertTrue(out.get(1).allClose(w, 1e-5, 1e-6, false));
        }
    }

    @Test
    void expectationKnownAnswer() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Two videos, three confounders of width 2.
            NDArray mu = m.create(new float[] {0.5f, 0.25f, 0.25f, 0f, 1f, 0f}, new Shape(2, 3));
            NDArray p = m.create(new float[] {0.2f, 0.3f, 0.5f});
            NDArray z = m.create(new float[] {1f, 2f, -1f, 0f, 4f, 8f}, new Shape(3, 2));
            // Row 0: 0.5*0.2*(1,2) + 0.25*0.3*(-1,0) + 0.25*0.5*(4,8) = (0.1-0.075+0.5, 0.2+0+1.0)
            // Row 1: 1*0.3*(-1,0) = (-0.3, 0)
            float[] ez = BackdoorAdjustment.expectation(mu, p, z).toFloatArray();
            assertArrayEquals(new float[] {0.525f, 1.2f, -0.3f, 0f}, ez, 1e-6f);
        }
    }

    /** A BD block whose W_a is 0 and W_b the identity outputs E_z itself. */
    private static BackdoorAdjustment identityReadout(NDManager m, boolean mu, boolean prior) {
        Engine.getInstance().setRandomSeed(3);
        BackdoorAdjustment bd = new BackdoorAdjustment(2, 2, BdAttention.DOT, mu, prior);
        bd.initialize(m, DataType.FLOAT32, new Shape(1, 2), new Shape(3, 2), new Shape(3));
        var params = bd.getParameters();
        params.get(mu ? "03wa_weight" : "01wa_weight").getArray().muli(0);
        params.get(mu ? "03wa_bias" : "01wa_bias").getArray().muli(0);
        NDArray wb = params.get(mu ? "04wb_weight" : "02wb_weight").getArray();
        wb.muli(0).addi(m.eye(2));
        return bd;
    }

    @Test
    void ablationSwitchesKnownAnswer() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray j = m.create(new float[] {0.3f, -0.7f}, new Shape(1, 2));
            NDArray z = m.create(new float[] {1f, 2f, -1f, 0f, 4f, 8f}, new Shape(3, 2));
            NDArray p = m.create(new float[] {0.2f, 0.3f, 0.5f});
            // Without μ and without prior: E_z = Σ_i (1)(1/3) z_i = (4/3, 10/3).
            NDList none = run(identityReadout(m, false, false), m, false, j, z, p);
            assertArrayEquals(new float[] {4f / 3, 10f / 3}, none.get(0).toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {1f, 1f, 1f}, none.get(1).toFloatArray(), 0f);
            // Without μ, with prior: E_z = Σ_i p_i z_i = (0.2-0.3+2, 0.4+4) = (1.9, 4.4).
            NDList priorOnly = run(identityReadout(m, false, true), m, false, j, z, p);
            assertArrayEquals(new float[] {1.9f, 4.4f}, priorOnly.get(0).toFloatArray(), 1e-5f);
            // With μ, without prior: E_z = Σ_i μ_i z_i / 3 with μ the block's own attention.
            NDList muOnly = run(identityReadout(m, true, false), m, false, j, z, p);
            float[] mu = muOnly.get(1).toFloatArray();
            float[] expected = new float[2];
            float[][] zs = {{1, 2}, {-1, 0}, {4, 8}};
            for (int i = 0; i < 3; i++) {
                expected[0] += mu[i] * zs[i][0] / 3;
                expected[1] += mu[i] * zs[i][1] / 3;
            }
            assertArrayEquals(expected, muOnly.get(0).toFloatArray(), 1e-5f);
            assertEquals(1f, mu[0] + mu[1] + mu[2], 1e-5f);
        }
    }

    @ParameterizedTest
    @EnumSource(BdAttention.class)
    void bdAttentionIsAProperDistributionThatDependsOnJ(BdAttention kind) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            BackdoorAdjustment bd = new BackdoorAdjustment(D, 4, kind, true, true);
            bd.initialize(m, DataType.FLOAT32, new Shape(1, D), new Shape(7, D), new Shape(7));
            NDArray z = m.randomNormal(new Shape(7, D));
            NDArray p = m.full(new Shape(7), 1f / 7);
            NDList a = run(bd, m, false, m.randomNormal(new Shape(4, D)), z, p);
            NDList b = run(bd, m, false, m.randomNormal(new Shape(4, D)), z, p);
            assertEquals(new Shape(4, D), a.get(0).getShape());
            assertProperAttention(a.get(1), 7);
            assertTrue(!a.get(1).allClose(b.get(1)), "μ must depend on J");
        }
    }

    @Test
    void bdRejectsAPriorOfTheWrongLength() {
        try (NDManager m = NDManager.newBaseManager()) {
            BackdoorAdjustment bd = new BackdoorAdjustment(D, D, BdAttention.DOT, true, true);
            bd.initialize(m, DataType.FLOAT32, new Shape(1, D), new Shape(3, D), new Shape(3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(bd, m, false,
                    m.ones(new Shape(2, D)), m.ones(new Shape(3, D)), m.ones(new Shape(4))));
            assertTrue(e.getMessage().contains("K_c=3") && e.getMessage().contains("(4)"), e.getMessage());
        }
    }

    @Test
    void attentionUnitLocalAndSharedFormsAgree() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(9);
            CausalAttentionUnit unit = new CausalAttentionUnit(D, 0.15f);
            unit.initialize(m, DataType.FLOAT32, new Shape(1, 2, D), new Shape(1, 2, D));
            NDArray q = m.randomNormal(new Shape(3, 4, D));
            NDArray g = m.randomNormal(new Shape(10, D));
            NDList shared = run(unit, m, false, q, g);
            NDArray perVideo = g.expandDims(0).repeat(0, 3); // (B,N,d): the same candidates per video
            NDList local = run(unit, m, false, q, perVideo);
            assertEquals(new Shape(3, D), shared.get(0).getShape());
            assertEquals(new Shape(3, 10), shared.get(1).getShape());
            assertTrue(shared.get(0).allClose(local.get(0), 1e-5, 1e-5, false));
            assertProperAttention(shared.get(1), 10);
            NDList other = run(unit, m, false, m.randomNormal(new Shape(3, 4, D)), g);
            assertTrue(!other.get(1).allClose(shared.get(1)), "attention must depend on the query");
            // Over the video's own frames (F_LL): a distribution over T = 4 frames.
            NDList ll = run(unit, m, false, q, q);
            assertProperAttention(ll.get(1), 4);
        }
    }
}
