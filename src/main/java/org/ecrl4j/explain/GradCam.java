package org.ecrl4j.explain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.ecrl4j.nn.backbone.PooledClassifier;
import org.ecrl4j.nn.backbone.TinyVideoNet;
import org.ecrl4j.nn.backbone.TorchScriptEncoder;
import org.ecrl4j.nn.backbone.VideoEncoder;

/**
 * Grad-CAM (Selvaraju et al., ICCV 2017) per frame: on the last stage of the built-in backbone, or
 * through a TorchScript backbone on the export recipe's layer or on the input ({@link Target}).
 *
 * <p>With A (1, C, T, h, w) the last stage's activations and y the score of the target class,
 * the map of frame t is ReLU(sum_c alpha_{c,t} A_{c,t}) with alpha_{c,t} = mean_{h,w} dy/dA_{c,t}:
 * the gradients are averaged per frame (not over time too), so every frame gets the channels that
 * matter for it. The backbone runs in inference mode; only the head above A is differentiated, from a
 * detached copy of A, so no gradient reaches the backbone's parameters.
 */
public final class GradCam {
    private GradCam() {}

    /** A differentiable head on the backbone's per-frame features: (B, T, d) -> logits (B, L). */
    @FunctionalInterface
    public interface FeatureHead {
        NDArray logits(ParameterStore ps, NDArray features);
    }

    /**
     * The maps of one clip.
     *
     * @param targetClass the class the maps explain
     * @param maps [t][y][x] at the last stage's resolution, >= 0
     * @param logits the head's scores of the clip
     */
    public record Result(int targetClass, float[][][] maps, float[] logits) {}

    /** The plain classifier's head: fc(mean_t F). */
    public static FeatureHead pooled(PooledClassifier classifier) {
        return (ps, f) -> classifier.fc().forward(ps, new NDList(f.mean(new int[] {1})), false).singletonOrThrow();
    }

    /**
     * Grad-CAM of one clip.
     *
     * @param clip (1, 3, T, H, W), in the backbone's input normalisation
     * @param targetClass the class to explain, or -1 for the predicted class
     */
    /**
     * Grad-CAM of one clip through any backbone: the built-in one (its last stage), or a
     * TorchScript one (see {@link #compute(TorchScriptEncoder, FeatureHead, NDArray, int, Target)}
     * with {@link Target#LAYER} where the module has the export recipe's layer methods, else
     * {@link Target#INPUT}).
     */
    public static Result compute(VideoEncoder backbone, FeatureHead head, NDArray clip, int targetClass) {
        if (backbone instanceof TinyVideoNet net) {
            return compute(net, head, clip, targetClass);
        }
        if (backbone instanceof TorchScriptEncoder ts) {
            return compute(ts, head, clip, targetClass, ts.hasLayerMethods() ? Target.LAYER : Target.INPUT);
        }
        throw new IllegalArgumentException("Grad-CAM: no rule for the backbone " + backbone.describe());
    }

    /** Where the gradients of a TorchScript backbone are taken. */
    public enum Target {
        /**
         * The output A of the layer the export recipe chose (tools/export_backbone.py: the last
         * stage; methods activations(x) and from_activations(A)): classic Grad-CAM, maps at A's
         * resolution (T' frames of h x w; frame t of the clip shows map floor((t + 1/2) T' / T)).
         */
        LAYER,
        /**
         * The input clip: gradient x input, ReLU(sum_c dY/dx_c * x_c) per pixel, at the input's
         * resolution. Works for any TorchScript backbone (no methods needed), but needs the whole
         * network differentiated.
         */
        INPUT
    }

    /**
     * Grad-CAM of one clip through a TorchScript backbone.
     *
     * @param clip (1, 3, T, H, W), in the backbone's input normalisation
     * @param targetClass the class to explain, or -1 for the predicted class
     * @throws IllegalArgumentException for {@link Target#LAYER} when the module lacks the layer methods
     */
    public static Result compute(TorchScriptEncoder backbone, FeatureHead head, NDArray clip, int targetClass,
            Target where) {
        VideoEncoder.checkClips(clip, backbone.describe());
        if (clip.getShape().get(0) != 1) {
            throw new IllegalArgumentException("Grad-CAM takes one clip (1, 3, T, H, W), got " + clip.getShape());
        }
        if (where == Target.LAYER && !backbone.hasLayerMethods()) {
            throw new IllegalArgumentException(backbone.describe() + " has no methods " + TorchScriptEncoder.ACTIVATIONS
                    + "/" + TorchScriptEncoder.FROM_ACTIVATIONS + " (export it with tools/export_backbone.py);"
                    + " use Grad-CAM on the input");
        }
        int frames = (int) clip.getShape().get(2);
        try (NDManager m = clip.getManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDArray source = where == Target.LAYER ? backbone.activations(clip) : clip;
            NDArray a = m.create(source.toFloatArray(), source.getShape()); // a leaf
            a.setRequiresGradient(true);
            Scored scored = backward(() -> head.logits(ps, where == Target.LAYER
                    ? backbone.fromActivationsWithGradient(a) : backbone.forwardWithGradient(a)), targetClass);
            NDArray grad = a.getGradient();
            NDArray cam = where == Target.LAYER
                    ? Activation.relu(grad.mean(new int[] {4}, true).mean(new int[] {3}, true).mul(a).sum(new int[] {1}))
                    : Activation.relu(grad.mul(a).sum(new int[] {1})); // (1, T', h, w)
            return new Result(scored.target(), perFrame(cam, frames), scored.logits());
        }
    }

    /** (1, T', h, w) to [T][h][w]: frame t takes map floor((t + 1/2) T' / T). */
    private static float[][][] perFrame(NDArray cam, int frames) {
        int tp = (int) cam.getShape().get(1);
        int h = (int) cam.getShape().get(2);
        int w = (int) cam.getShape().get(3);
        float[] flat = cam.toFloatArray();
        float[][][] maps = new float[frames][h][w];
        for (int f = 0; f < frames; f++) {
            int src = Math.min(tp - 1, (int) ((f + 0.5) * tp / frames));
            for (int y = 0; y < h; y++) {
                System.arraycopy(flat, (src * h + y) * w, maps[f][y], 0, w);
            }
        }
        return maps;
    }

    /**
     * Grad-CAM of one clip through the built-in backbone's last stage.
     *
     * @param clip (1, 3, T, H, W), in the backbone's input normalisation
     * @param targetClass the class to explain, or -1 for the predicted class
     */
    public static Result compute(TinyVideoNet backbone, FeatureHead head, NDArray clip, int targetClass) {
        VideoEncoder.checkClips(clip, backbone.describe());
        if (clip.getShape().get(0) != 1) {
            throw new IllegalArgumentException("Grad-CAM takes one clip (1, 3, T, H, W), got " + clip.getShape());
        }
        try (NDManager m = clip.getManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = clip;
            for (Block stage : backbone.getChildren().values()) {
                x = stage.forward(ps, new NDList(x), false).singletonOrThrow(); // (1, C, T, h', w')
            }
            NDArray a = m.create(x.toFloatArray(), x.getShape()); // a leaf: (1, C, T, h, w)
            a.setRequiresGradient(true);
            Scored scored = backward(() -> head.logits(ps, TinyVideoNet.framePool(a)), targetClass);
            NDArray grad = a.getGradient();
            NDArray alpha = grad.mean(new int[] {4}, true).mean(new int[] {3}, true); // (1, C, T, 1, 1)
            NDArray cam = Activation.relu(alpha.mul(a).sum(new int[] {1})); // (1, T, h, w)
            return new Result(scored.target(), perFrame(cam, (int) cam.getShape().get(1)), scored.logits());
        }
    }

    /** The head's logits of one clip and the class explained. */
    private record Scored(int target, float[] logits) {}

    /**
     * Computes the (1, L) scores under a gradient collector and back-propagates the target class's
     * score (the predicted class when {@code targetClass} is negative).
     */
    private static Scored backward(java.util.function.Supplier<NDArray> scores, int targetClass) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray s = scores.get(); // (1, L)
            float[] logits = s.toFloatArray();
            int target = targetClass >= 0 ? targetClass : argmax(logits);
            if (target >= logits.length) {
                throw new IllegalArgumentException("Grad-CAM target class " + target + " but the head has "
                        + logits.length + " classes");
            }
            gc.backward(s.get(0, target));
            return new Scored(target, logits);
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
