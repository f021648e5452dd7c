package org.ecrl4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * Global-local causal attention, GLCA: the front-door intervention (paper Eq. 8-15; MODEL.md
 * section 4).
 *
 * <pre>
 *   F_LL = A(F_L, F_L)               the mediator selected from the video's own frames   (B,d)
 *   F_LG = A(F_L, G)                 NWGM estimate over the global dictionary            (B,d)
 *   F_fd = W_f [F_LL ; F_LG] + b_f                                                       (B,d)
 * </pre>
 *
 * <p>Input F_L (B,T,d) (F_v in the paper, F_s with {@code glca-stream s}); output NDList(F_fd
 * (B,d), local attention (B,T), global attention (B,K_g)). The global dictionary G (K_g,d) is a
 * trained parameter; call {@link #setGlobalInitializer} with the k-means centres before
 * initialising the block (otherwise it starts from N(0, 0.02)).
 *
 * <p>G and the global unit's projections of it depend on parameters only. For a run of inference
 * batches {@link #cacheGlobalProjections} computes those projections once; the values are the same,
 * the cost per batch drops by the three (K_g,d)x(d,d) products. Training forwards are refused
 * while the cache is open (they would change the parameters under it).
 */
public final class GlobalLocalCausalAttention extends AbstractBlock {
    private final int width;
    private final int globalEntries;
    private final Parameter global;
    private final CausalAttentionUnit local;
    private final CausalAttentionUnit globalUnit;
    private final Linear fusion;
    private NDList globalCache;

    public GlobalLocalCausalAttention(int width, int globalEntries, float dropout) {
        this.width = width;
        this.globalEntries = globalEntries;
        global = addParameter(Parameter.builder().setName("global_dictionary")
                .setType(Parameter.Type.OTHER).optInitializer(new NormalInitializer(0.02f))
                .optShape(new Shape(globalEntries, width)).build());
        local = addChildBlock("local", new CausalAttentionUnit(width, dropout));
        globalUnit = addChildBlock("global", new CausalAttentionUnit(width, dropout));
        fusion = addChildBlock("fusion", Layers.linear(width, true));
    }

    /** Starts G from the given (K_g, d) values, e.g. k-means centres of training features. */
    public void setGlobalInitializer(float[] values) {
        if (values.length != (long) globalEntries * width) {
            throw new IllegalArgumentException("Global dictionary initialiser: expected " + globalEntries
                    + "x" + width + " values, got " + values.length);
        }
        float[] copy = values.clone();
        global.setInitializer((manager, shape, dataType) -> manager.create(copy, shape).toType(dataType, false));
    }

    /** The global dictionary parameter G (K_g, d). */
    public Parameter globalDictionary() {
        return global;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray fl = inputs.singletonOrThrow();
        Shapes.require(fl, "GLCA local features F_L", "B,T,d", Shapes.ANY, Shapes.ANY, width);
        NDList ll = local.forward(ps, new NDList(fl, fl), training);
        NDList lg;
        if (globalCache != null) {
            if (training) {
                throw new IllegalStateException("A training forward while the inference cache of G's projections"
                        + " is open would make it stale; close the cache first");
            }
            NDArray g = ps.getValue(global, fl.getDevice(), false);
            lg = globalUnit.forward(ps, new NDList(fl, g, globalCache.get(0), globalCache.get(1)), false);
        } else {
            NDArray g = ps.getValue(global, fl.getDevice(), training);
            lg = globalUnit.forward(ps, new NDList(fl, g), training);
        }
        NDArray ffd = fusion.forward(ps, new NDList(NDArrays.concat(new NDList(ll.get(0), lg.get(0)), -1)),
                training).head();
        return new NDList(ffd, ll.get(1), lg.get(1));
    }

    /**
     * Computes G's inference projections once, in {@code manager}, and uses them in every inference
     * forward until the returned handle is closed (which frees them).
     */
    public InferenceCache cacheGlobalProjections(NDManager manager) {
        if (globalCache != null) {
            throw new IllegalStateException("The inference cache of G's projections is already open");
        }
        NDManager cacheManager = manager.newSubManager();
        ParameterStore ps = new ParameterStore(cacheManager, false);
        NDArray g = ps.getValue(global, cacheManager.getDevice(), false);
        globalCache = globalUnit.sharedProjections(ps, g, cacheManager);
        return () -> {
            globalCache = null;
            cacheManager.close();
        };
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape fl = inputShapes[0];
        return new Shape[] {new Shape(fl.get(0), width), new Shape(fl.get(0), fl.get(1)),
            new Shape(fl.get(0), globalEntries)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape q = new Shape(1, 2, width);
        local.initialize(manager, dataType, q, q);
        globalUnit.initialize(manager, dataType, q, new Shape(globalEntries, width));
        fusion.initialize(manager, dataType, new Shape(1, 2L * width));
    }
}
