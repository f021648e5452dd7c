package org.ecrl4j.nn.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * A video encoder M_v, M_s or M_c (MODEL.md section 1.5): a DJL {@link Block} mapping clips to
 * per-frame features that already mix temporal context.
 *
 * <p>Input: one array (B, 3, T, H, W), float32, NCTHW, RGB in [0,1] normalised with the mean and
 * standard deviation of MODEL.md section 1.4. Output: one array (B, T, d) with
 * {@code d = featureWidth()}; frame t of the output describes frame t of the input.
 *
 * <p>An encoder is either trainable (its parameters take gradients and the trainer updates them) or
 * frozen (its features can be computed once and cached).
 */
public interface VideoEncoder extends Block {
    /** d, the width of the per-frame features. */
    int featureWidth();

    /** Whether the trainer should update this encoder (some parameter takes a gradient). */
    default boolean isTrainable() {
        for (Pair<String, Parameter> p : getParameters()) {
            if (p.getValue().requiresGradient()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes the encoder trainable or frozen. Running statistics of batch norm never take gradients
     * (the forward pass updates them in place), so they are left alone.
     */
    default void setTrainable(boolean trainable) {
        freezeParameters(!trainable, VideoEncoder::isLearnable);
    }

    /** Whether a parameter is learned by gradient descent (not a batch-norm running statistic). */
    static boolean isLearnable(Parameter p) {
        return p.getType() != Parameter.Type.RUNNING_MEAN && p.getType() != Parameter.Type.RUNNING_VAR;
    }

    /** The parameters the trainer updates: those that take a gradient. */
    default List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p.getValue());
            }
        }
        return out;
    }

    /**
     * A new encoder with the same architecture, the same current weights and the same
     * trainability, whose parameters live in {@code manager} and are independent of this one's.
     */
    VideoEncoder copy(NDManager manager);

    /** What this encoder is, for logs and run records ("builtin TinyVideoNet d=96", a file path). */
    String describe();

    /**
     * The input contract the encoder was exported with (its sidecar, {@link BackboneContract}), or
     * empty: then clips are prepared with the reference normalisation (MODEL.md section 1.4).
     */
    default java.util.Optional<BackboneContract> contract() {
        return java.util.Optional.empty();
    }

    /**
     * Runs the encoder on one clip batch and checks the contract.
     *
     * @param clips (B, 3, T, H, W)
     * @return (B, T, d)
     */
    default NDArray encode(ParameterStore parameterStore, NDArray clips, boolean training) {
        checkClips(clips, describe());
        NDArray out = forward(parameterStore, new NDList(clips), training).singletonOrThrow();
        checkFeatures(out, clips.getShape(), featureWidth(), describe());
        return out;
    }

    /** Checks that {@code clips} is (B, 3, T, H, W) float32. */
    static void checkClips(NDArray clips, String encoder) {
        Shape s = clips.getShape();
        if (s.dimension() != 5 || s.get(1) != 3) {
            throw new IllegalArgumentException(encoder + ": expected clips of shape (B, 3, T, H, W) (NCTHW, RGB), got "
                    + s + "; convert frames with the video pipeline's NCTHW conversion");
        }
        if (clips.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
            throw new IllegalArgumentException(encoder + ": expected float32 clips, got " + clips.getDataType());
        }
    }

    /**
     * Checks that an encoder's output is (B, T, d) for an input of shape {@code input}.
     *
     * @param width the expected d, or a value below 1 to accept any
     */
    static void checkFeatures(NDArray features, Shape input, int width, String encoder) {
        Shape s = features.getShape();
        long b = input.get(0);
        long t = input.get(2);
        boolean ok = s.dimension() == 3 && s.get(0) == b && s.get(1) == t && (width < 1 || s.get(2) == width);
        if (!ok) {
            throw new IllegalStateException(encoder + ": for an input of shape " + input
                    + " the backbone returned shape " + s + "; the contract is per-frame features (B, T, d) = (" + b
                    + ", " + t + ", " + (width < 1 ? "d" : String.valueOf(width)) + "): pool only the spatial axes"
                    + " H and W, keep the time axis, and return a single tensor");
        }
    }
}
