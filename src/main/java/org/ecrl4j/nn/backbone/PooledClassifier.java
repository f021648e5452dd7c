package org.ecrl4j.nn.backbone;

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
 * The plain classifier that pre-trains an encoder (stage 1 of MODEL.md section 5; the {@code base}
 * row of Table 3): logits = fc(mean_t M(V)).
 *
 * <p>Input (B, 3, T, H, W); output (B, L). Mean pooling over T discards frame order, so any
 * sensitivity to the order of events must come from the encoder's own temporal modelling.
 */
public final class PooledClassifier extends AbstractBlock {
    private final VideoEncoder encoder;
    private final Linear fc;
    private final int classes;

    public PooledClassifier(VideoEncoder encoder, int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("classes (L) must be >= 2, got " + classes);
        }
        this.encoder = addChildBlock("encoder", encoder);
        this.classes = classes;
        this.fc = addChildBlock("fc", Linear.builder().setUnits(classes).build());
    }

    public VideoEncoder encoder() {
        return encoder;
    }

    public Linear fc() {
        return fc;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray features = encoder.encode(ps, inputs.singletonOrThrow(), training); // (B, T, d)
        NDArray pooled = features.mean(new int[] {1}); // (B, d)
        return fc.forward(ps, new NDList(pooled), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
    }

    /** Initialises only the classifier; the encoder must be initialised (or loaded) already. */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        fc.initialize(manager, dataType, new Shape(1, encoder.featureWidth()));
    }
}
