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
import org.ecrl4j.nn.backbone.VideoEncoder;

/**
 * Grad-CAM (Selvaraju et al., ICCV 2017) on the last stage of the built-in backbone, per frame.
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
            float[] logits;
            int target;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray scores = head.logits(ps, TinyVideoNet.framePool(a)); // (1, L)
                logits = scores.toFloatArray();
                target = targetClass >= 0 ? targetClass : argmax(logits);
                if (target >= logits.length) {
                    throw new IllegalArgumentException("Grad-CAM target class " + target + " but the head has "
                            + logits.length + " classes");
                }
                gc.backward(scores.get(0, target));
            }
            NDArray grad = a.getGradient();
            NDArray alpha = grad.mean(new int[] {4}, true).mean(new int[] {3}, true); // (1, C, T, 1, 1)
            NDArray cam = Activation.relu(alpha.mul(a).sum(new int[] {1})); // (1, T, h, w)
            long t = cam.getShape().get(1);
            int h = (int) cam.getShape().get(2);
            int w = (int) cam.getShape().get(3);
            float[] flat = cam.toFloatArray();
            float[][][] maps = new float[(int) t][h][w];
            for (int f = 0; f < t; f++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(flat, (f * h + y) * w, maps[f][y], 0, w);
                }
            }
            return new Result(target, maps, logits);
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
