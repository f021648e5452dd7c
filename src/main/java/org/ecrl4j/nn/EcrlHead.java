package org.ecrl4j.nn;

import org.ecrl4j.util.Precision;
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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The ECRL head on per-frame features: every row of MODEL.md section 6 as one block, chosen by a
 * {@link HeadConfig}. The logits are the sum of the terms a configuration has, in the order video,
 * branch, front-door; a stage it does not use (the back-door adjustment) is the identity, as timm
 * builds optional parts, so the forward pass has no branches and no part is null. Absent parts hold no parameters and no child
 * blocks, so the parameter files keep their layout.
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
    /** The logit terms the configuration has, in the order video, branch, front-door (at least one). */
    private final List<Term> terms = new ArrayList<>();
    private final Optional<GlobalLocalCausalAttention> glca;
    private NDArray confounders;
    private NDArray prior;
    private Precision precision = Precision.FP32;

    /** One additive term of the logits: its (B, L) contribution, with its named outputs appended to {@code out}. */
    private interface Term {
        NDArray logits(ParameterStore ps, Streams x, boolean training, NDList out);

        /** Initialises the term's blocks, in the order the parameter files hold them. */
        void initialize(NDManager manager, DataType dataType);
    }

    /** The head's inputs: F_v, F_s, F_c (B, T, d) and pooled F_v (B, d). */
    private record Streams(NDArray fv, NDArray fs, NDArray fc, NDArray pooledV) {}

    /** A stage from a (B, d) representation to a (B, d) one, or the identity. */
    private interface Stage {
        NDArray apply(ParameterStore ps, NDArray x, boolean training, NDList out);

        void initialize(NDManager manager, DataType dataType);

        Stage IDENTITY = new Stage() {
            @Override
            public NDArray apply(ParameterStore ps, NDArray x, boolean training, NDList out) {
                return x;
            }

            @Override
            public void initialize(NDManager manager, DataType dataType) {}
        };
    }

    public EcrlHead(HeadConfig config, HeadShape shape) {
        this.config = config;
        this.shape = shape;
        int d = shape.width();
        int t = shape.frames();
        int l = shape.classes();
        // Children are added in the order of the parameter files: video_fc, fcm, bcm, psi, backdoor,
        // branch_fc, glca, frontdoor_fc.
        if (config.videoLogit()) {
            terms.add(videoTerm(addChildBlock("video_fc", Layers.linear(l, true)), d));
        }
        Branch b = config.branch();
        if (b != Branch.NONE) {
            boolean fg = b == Branch.FOREGROUND || b == Branch.JOINT;
            boolean bg = b == Branch.BACKGROUND || b == Branch.JOINT;
            CrossFrameModelling fgModel = fg ? addChildBlock("fcm", new CrossFrameModelling(config.crossFrame(), t, d)) : null;
            CrossFrameModelling bgModel = bg ? addChildBlock("bcm", new CrossFrameModelling(config.crossFrame(), t, d)) : null;
            Linear psi = b == Branch.JOINT ? addChildBlock("psi", Layers.linear(d, true)) : null;
            Stage bd = config.backdoor() ? backdoorStage(addChildBlock("backdoor", new BackdoorAdjustment(d, d,
                    config.bdAttention(), config.useMu(), config.usePrior())), d) : Stage.IDENTITY;
            terms.add(branchTerm(fgModel, bgModel, psi, bd, addChildBlock("branch_fc", Layers.linear(l, true)), t, d));
        }
        if (config.frontdoor()) {
            GlobalLocalCausalAttention g = addChildBlock("glca", new GlobalLocalCausalAttention(d, config.globalEntries(),
                    config.dropout()));
            glca = Optional.of(g);
            terms.add(frontdoorTerm(g, addChildBlock("frontdoor_fc", Layers.linear(l, true)), t, d));
        } else {
            glca = Optional.empty();
        }
    }

    /** fc(mean F_v). */
    private static Term videoTerm(Linear fc, int d) {
        return new Term() {
            @Override
            public NDArray logits(ParameterStore ps, Streams x, boolean training, NDList out) {
                return fc.forward(ps, new NDList(x.pooledV()), training).head();
            }

            @Override
            public void initialize(NDManager manager, DataType dataType) {
                fc.initialize(manager, dataType, new Shape(1, d));
            }
        };
    }

    /**
     * branch_fc(BD(J)): J = Ψ(CCM(F_s), CCM(F_c)) with both streams, else the one stream's CCM;
     * the back-door stage is the identity without BD. Appends w_s, w_c, J, F_cc and mu.
     */
    private Term branchTerm(CrossFrameModelling fgModel, CrossFrameModelling bgModel, Linear psi, Stage bd, Linear fc,
            int t, int d) {
        // The streams a branch reads, as (model, input) pairs applied in order: fg then bg.
        return new Term() {
            @Override
            public NDArray logits(ParameterStore ps, Streams x, boolean training, NDList out) {
                NDArray repr;
                if (psi != null) { // both streams: J = Ψ([F_rs ; F_rc])
                    NDList rs = fgModel.forward(ps, new NDList(x.fs()), training);
                    out.add(named(rs.get(1), "w_s"));
                    NDList rc = bgModel.forward(ps, new NDList(x.fc()), training);
                    out.add(named(rc.get(1), "w_c"));
                    repr = named(psi.forward(ps, new NDList(NDArrays.concat(new NDList(rs.get(0), rc.get(0)), -1)),
                            training).head(), "J");
                    out.add(repr);
                } else {
                    boolean fg = fgModel != null;
                    NDList r = (fg ? fgModel : bgModel).forward(ps, new NDList(fg ? x.fs() : x.fc()), training);
                    out.add(named(r.get(1), fg ? "w_s" : "w_c"));
                    repr = r.get(0);
                }
                return fc.forward(ps, new NDList(bd.apply(ps, repr, training, out)), training).head();
            }

            @Override
            public void initialize(NDManager manager, DataType dataType) {
                Shape stream = new Shape(1, t, d);
                if (fgModel != null) {
                    fgModel.initialize(manager, dataType, stream);
                }
                if (bgModel != null) {
                    bgModel.initialize(manager, dataType, stream);
                }
                if (psi != null) {
                    psi.initialize(manager, dataType, new Shape(1, 2L * d));
                }
                bd.initialize(manager, dataType);
                fc.initialize(manager, dataType, new Shape(1, d));
            }
        };
    }

    /** The back-door adjustment on J with the head's confounder dictionary; appends F_cc and mu. */
    private Stage backdoorStage(BackdoorAdjustment backdoor, int d) {
        return new Stage() {
            @Override
            public NDArray apply(ParameterStore ps, NDArray j, boolean training, NDList out) {
                if (confounders == null) {
                    throw new IllegalStateException("Configuration " + config.name() + " needs a confounder "
                            + "dictionary: build one from the training features (ecrl4j train does) or load the "
                            + "run's dictionary.npz");
                }
                NDList r = backdoor.forward(ps, new NDList(j, confounders, prior), training);
                NDArray fcc = named(r.get(0), "F_cc");
                out.add(fcc);
                out.add(named(r.get(1), "mu"));
                return fcc;
            }

            @Override
            public void initialize(NDManager manager, DataType dataType) {
                backdoor.initialize(manager, dataType, new Shape(1, d), new Shape(2, d), new Shape(2));
            }
        };
    }

    /** frontdoor_fc(GLCA(F_L)), F_L = F_s or F_v; appends F_fd, a_local and a_global. */
    private Term frontdoorTerm(GlobalLocalCausalAttention g, Linear fc, int t, int d) {
        boolean readsS = config.glcaStream() == GlcaStream.S;
        return new Term() {
            @Override
            public NDArray logits(ParameterStore ps, Streams x, boolean training, NDList out) {
                NDList r = g.forward(ps, new NDList(readsS ? x.fs() : x.fv()), training);
                out.add(named(r.get(0), "F_fd"));
                out.add(named(r.get(1), "a_local"));
                out.add(named(r.get(2), "a_global"));
                return fc.forward(ps, new NDList(r.get(0)), training).head();
            }

            @Override
            public void initialize(NDManager manager, DataType dataType) {
                g.initialize(manager, dataType, new Shape(1, t, d));
                fc.initialize(manager, dataType, new Shape(1, d));
            }
        };
    }

    public HeadConfig config() {
        return config;
    }

    public HeadShape shape() {
        return shape;
    }

    /** The GLCA block, when the configuration has the front-door path. */
    public Optional<GlobalLocalCausalAttention> glca() {
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
        return glca.<InferenceCache>map(g -> g.cacheGlobalProjections(manager)).orElse(() -> { });
    }

    /**
     * Sets the precision of the head's matrix work (linear layers, attention products, dictionary
     * projections); see {@link Precision}. Parameters stay float32 either way.
     */
    public void setPrecision(Precision p) {
        List<MixedPrecision> blocks = new ArrayList<>();
        collect(this, MixedPrecision.class, blocks);
        blocks.forEach(b -> b.setPrecision(p));
        precision = p;
    }

    /** The precision of the head's matrix work (fp32 unless {@link #setPrecision} changed it). */
    public Precision precision() {
        return precision;
    }

    private static <T> void collect(ai.djl.nn.Block block, Class<T> type, List<T> into) {
        if (type.isInstance(block)) {
            into.add(type.cast(block));
        }
        for (ai.djl.nn.Block child : block.getChildren().values()) {
            collect(child, type, into);
        }
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
        Streams x = new Streams(fv, fs, fc, pooledV);
        // S = the sum of the configuration's terms, in the order video, branch, front-door.
        Iterator<Term> it = terms.iterator();
        NDArray logits = it.next().logits(ps, x, training, out);
        while (it.hasNext()) {
            logits = logits.add(it.next().logits(ps, x, training, out));
        }
        out.add(0, named(pooledV, "pooled_v"));
        out.add(0, named(logits, "logits"));
        return out;
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
        for (Term term : terms) {
            term.initialize(manager, dataType);
        }
    }

    /** Initialises every parameter for this head's shape (batch of one). */
    public void initialize(NDManager manager) {
        Shape stream = new Shape(1, shape.frames(), shape.width());
        initialize(manager, DataType.FLOAT32, stream, stream, stream);
    }
}
