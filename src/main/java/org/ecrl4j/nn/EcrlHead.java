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
 * The ECRL head on per-frame features: every row of MODEL.md section 6 as one block, chosen by a
 * {@link HeadConfig}. Parts a configuration does not use are not built (no unused parameters).
 *
 * <pre>
 *   F_rs, F_rc = CCM(F_s), CCM(F_c)            (or the frame means, without cross-frame modelling)
 *   J          = Ψ(F_rs, F_rc) = W_ψ [F_rs ; F_rc] + b_ψ
 *   S1         = classifier_1(BD(J, Z, p))      (back-door, paper Eq. 4-7)
 *   S2         = classifier_2(GLCA(F_L))        (front-door, paper Eq. 8-15)
 *   S          = S1 + S2                        (ECRL; other rows add fc(mean F_v) and branch logits)
 * </pre>
 *
 * <p>Input NDList(F_v, F_s, F_c), each (B, T, d). Output NDList whose arrays carry names:
 * {@code logits} (B, L) first, then {@code pooled_v} (B, d), and where the configuration has them
 * {@code J} (B, d), {@code F_cc} (B, d), {@code mu} (B, K_c), {@code w_s} and {@code w_c} (B, T)
 * (CCM frame weights), {@code F_fd} (B, d), {@code a_local} (B, T), {@code a_global} (B, K_g).
 * The confounder dictionary is set with {@link #setConfounders} before a configuration with BD runs.
 */
public final class EcrlHead extends AbstractBlock {
    private final HeadConfig config;
    private final HeadShape shape;
    private final Linear videoFc;
    private final CrossFrameModelling fgModel;
    private final CrossFrameModelling bgModel;
    private final Linear branchFc;
    private final Linear psi;
    private final BackdoorAdjustment backdoor;
    private final GlobalLocalCausalAttention glca;
    private final Linear frontdoorFc;
    private NDArray confounders;
    private NDArray prior;

    public EcrlHead(HeadConfig config, HeadShape shape) {
        this.config = config;
        this.shape = shape;
        int d = shape.width();
        int t = shape.frames();
        int l = shape.classes();
        videoFc = config.videoLogit() ? addChildBlock("video_fc", Layers.linear(l, true)) : null;
        Branch b = config.branch();
        boolean fg = b == Branch.FOREGROUND || b == Branch.JOINT;
        boolean bg = b == Branch.BACKGROUND || b == Branch.JOINT;
        fgModel = fg ? addChildBlock("fcm", new CrossFrameModelling(config.crossFrame(), t, d)) : null;
        bgModel = bg ? addChildBlock("bcm", new CrossFrameModelling(config.crossFrame(), t, d)) : null;
        psi = b == Branch.JOINT ? addChildBlock("psi", Layers.linear(d, true)) : null;
        if (config.backdoor()) {
            backdoor = addChildBlock("backdoor", new BackdoorAdjustment(d, d, config.bdAttention(),
                    config.useMu(), config.usePrior()));
        } else {
            backdoor = null;
        }
        branchFc = b == Branch.NONE ? null : addChildBlock("branch_fc", Layers.linear(l, true));
        if (config.frontdoor()) {
            glca = addChildBlock("glca", new GlobalLocalCausalAttention(d, config.globalEntries(),
                    config.dropout()));
            frontdoorFc = addChildBlock("frontdoor_fc", Layers.linear(l, true));
        } else {
            glca = null;
            frontdoorFc = null;
        }
    }

    public HeadConfig config() {
        return config;
    }

    public HeadShape shape() {
        return shape;
    }

    /** The GLCA block, or null when the configuration has no front-door path. */
    public GlobalLocalCausalAttention glca() {
        return glca;
    }

    /**
     * Sets the confounder dictionary Z (K_c, d) and its prior p (K_c). The arrays are kept, not
     * copied; their manager must outlive the head's use.
     */
    public void setConfounders(NDArray z, NDArray p) {
        Shapes.require(z, "confounder dictionary Z", "K_c,d", Shapes.ANY, shape.width());
        Shapes.require(p, "confounder prior p", "K_c", z.getShape().get(0));
        this.confounders = z;
        this.prior = p;
    }

    /** The confounder dictionary Z (K_c, d), or null before {@link #setConfounders}. */
    public NDArray confounders() {
        return confounders;
    }

    /** The prior p (K_c), or null before {@link #setConfounders}. */
    public NDArray prior() {
        return prior;
    }

    /**
     * Opens an inference cache: the parts of the head that depend on parameters only (GLCA's
     * projections of G) are computed once, in {@code manager}, and reused by inference forwards until
     * the handle is closed. Outputs are unchanged. Training forwards are refused while it is open.
     */
    public InferenceCache cacheForInference(NDManager manager) {
        return glca == null ? () -> { } : glca.cacheGlobalProjections(manager);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (inputs.size() != 3) {
            throw new IllegalArgumentException("The ECRL head takes (F_v, F_s, F_c), got " + inputs.size()
                    + " arrays");
        }
        NDArray fv = inputs.get(0);
        long batch = fv.getShape().dimension() == 3 ? fv.getShape().get(0) : Shapes.ANY;
        Shapes.require(fv, "F_v", "B,T,d", Shapes.ANY, shape.frames(), shape.width());
        NDArray fs = inputs.get(1);
        Shapes.require(fs, "F_s", "B,T,d", batch, shape.frames(), shape.width());
        NDArray fc = inputs.get(2);
        Shapes.require(fc, "F_c", "B,T,d", batch, shape.frames(), shape.width());

        NDList out = new NDList();
        NDArray pooledV = named(fv.mean(new int[] {1}), "pooled_v");
        NDArray logits = null;
        if (videoFc != null) {
            logits = videoFc.forward(ps, new NDList(pooledV), training).head();
        }
        NDArray branchRepr = null;
        if (fgModel != null) {
            NDList r = fgModel.forward(ps, new NDList(fs), training);
            branchRepr = r.get(0);
            out.add(named(r.get(1), "w_s"));
        }
        if (bgModel != null) {
            NDList r = bgModel.forward(ps, new NDList(fc), training);
            out.add(named(r.get(1), "w_c"));
            if (psi != null) {
                NDArray j = psi.forward(ps, new NDList(NDArrays.concat(new NDList(branchRepr, r.get(0)), -1)),
                        training).head();
                branchRepr = named(j, "J");
                out.add(j);
            } else {
                branchRepr = r.get(0);
            }
        }
        if (backdoor != null) {
            if (confounders == null) {
                throw new IllegalStateException("Configuration " + config.name() + " needs a confounder "
                        + "dictionary: build one from the training features (ecrl4j train does) or load the "
                        + "run's dictionary.npz");
            }
            NDList r = backdoor.forward(ps, new NDList(branchRepr, confounders, prior), training);
            branchRepr = named(r.get(0), "F_cc");
            out.add(branchRepr);
            out.add(named(r.get(1), "mu"));
        }
        if (branchFc != null) {
            logits = add(logits, branchFc.forward(ps, new NDList(branchRepr), training).head());
        }
        if (glca != null) {
            NDArray fl = config.glcaStream() == GlcaStream.S ? fs : fv;
            NDList r = glca.forward(ps, new NDList(fl), training);
            out.add(named(r.get(0), "F_fd"));
            out.add(named(r.get(1), "a_local"));
            out.add(named(r.get(2), "a_global"));
            logits = add(logits, frontdoorFc.forward(ps, new NDList(r.get(0)), training).head());
        }
        out.add(0, named(pooledV, "pooled_v"));
        out.add(0, named(logits, "logits"));
        return out;
    }

    private static NDArray add(NDArray a, NDArray b) {
        return a == null ? b : a.add(b);
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), shape.classes())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        int d = shape.width();
        Shape stream = new Shape(1, shape.frames(), d);
        Shape vec = new Shape(1, d);
        if (videoFc != null) {
            videoFc.initialize(manager, dataType, vec);
        }
        if (fgModel != null) {
            fgModel.initialize(manager, dataType, stream);
        }
        if (bgModel != null) {
            bgModel.initialize(manager, dataType, stream);
        }
        if (psi != null) {
            psi.initialize(manager, dataType, new Shape(1, 2L * d));
        }
        if (backdoor != null) {
            backdoor.initialize(manager, dataType, vec, new Shape(2, d), new Shape(2));
        }
        if (branchFc != null) {
            branchFc.initialize(manager, dataType, vec);
        }
        if (glca != null) {
            glca.initialize(manager, dataType, stream);
            frontdoorFc.initialize(manager, dataType, vec);
        }
    }

    /** Initialises every parameter for this head's shape (batch of one). */
    public void initialize(NDManager manager) {
        Shape stream = new Shape(1, shape.frames(), shape.width());
        initialize(manager, DataType.FLOAT32, stream, stream, stream);
    }
}
