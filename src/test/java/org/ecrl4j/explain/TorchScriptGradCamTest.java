package org.ecrl4j.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import org.ecrl4j.data.Npy;
import org.ecrl4j.data.NpyArray;
import org.ecrl4j.nn.backbone.ClipShape;
import org.ecrl4j.nn.backbone.TorchScriptEncoder;
import org.junit.jupiter.api.Test;

/**
 * Grad-CAM through a TorchScript backbone (issue 12, part 6), against the maps PyTorch computes
 * for the same model, clip and head (fixtures/gradcam/make_gradcam.py): on the export recipe's layer
 * (activations / from_activations) and on the input (gradient x input).
 */
class TorchScriptGradCamTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/gradcam");

    private static GradCam.FeatureHead linearHead(NDManager m) throws Exception {
        NpyArray w = Npy.read(DIR.resolve("head_w.npy")); // (3, 8)
        NDArray wt = m.create(w.toFloatArray(), new ai.djl.ndarray.types.Shape(w.shape())).transpose();
        return (ps, f) -> f.mean(new int[] {1}).matMul(wt); // (1, 3)
    }

    private static void assertMaps(float[][][] maps, NpyArray expected, int frames, boolean repeated) {
        long[] s = expected.shape(); // (T', h, w)
        float[] e = expected.toFloatArray();
        assertEquals(frames, maps.length);
        double worst = 0;
        double peak = 0;
        for (int t = 0; t < frames; t++) {
            int src = repeated ? (int) ((t + 0.5) * s[0] / frames) : t;
            assertEquals(s[1], maps[t].length);
            for (int y = 0; y < s[1]; y++) {
                for (int x = 0; x < s[2]; x++) {
                    float want = e[(int) ((src * s[1] + y) * s[2] + x)];
                    worst = Math.max(worst, Math.abs(maps[t][y][x] - want));
                    peak = Math.max(peak, want);
                }
            }
        }
        assertTrue(peak > 1e-4, "the reference map is not empty");
        assertTrue(worst <= 1e-5 + 1e-4 * peak, "largest difference " + worst + " (peak " + peak + ")");
    }

    @Test
    void layerGradCamMatchesPyTorch() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchScriptEncoder enc = TorchScriptEncoder.load(m, DIR.resolve("tiny_gradcam.pt"), new ClipShape(4, 16, 16),
                    false);
            assertTrue(enc.hasLayerMethods());
            NDArray x = Npy.read(DIR.resolve("input.npy")).toNDArray(m);
            GradCam.Result r = GradCam.compute(enc, linearHead(m), x, -1, GradCam.Target.LAYER);
            assertEquals(0, r.targetClass());
            assertMaps(r.maps(), Npy.read(DIR.resolve("cam_layer.npy")), 4, true);
            // The dispatching entry point picks the layer for a module that has the methods.
            GradCam.Result auto = GradCam.compute((org.ecrl4j.nn.backbone.VideoEncoder) enc, linearHead(m), x, -1);
            assertArrayEquals(r.maps()[3][2], auto.maps()[3][2], 0f);
        }
    }

    @Test
    void inputGradCamMatchesPyTorchAndKeepsEvalMode() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchScriptEncoder enc = TorchScriptEncoder.load(m, DIR.resolve("tiny_gradcam.pt"), new ClipShape(4, 16, 16),
                    false);
            NDArray x = Npy.read(DIR.resolve("input.npy")).toNDArray(m);
            GradCam.Result r = GradCam.compute(enc, linearHead(m), x, -1, GradCam.Target.INPUT);
            assertMaps(r.maps(), Npy.read(DIR.resolve("cam_input.npy")), 4, false);
            // The differentiable forward ran in evaluation mode: batch norm on running statistics,
            // so the features still equal PyTorch's eval-mode output.
            float[] f = enc.encode(new ParameterStore(m, false), x, false).toFloatArray();
            assertArrayEquals(Npy.read(DIR.resolve("features.npy")).toFloatArray(), f, 1e-5f);
        }
    }
}
