package org.ecrl4j.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.dictionary.ConfounderDictionary;
import org.ecrl4j.dictionary.DictionaryKind;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.nn.HeadShape;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.TinyVideoNet;
import org.ecrl4j.nn.backbone.VideoEncoder;
import org.ecrl4j.pipeline.ClipBatches;
import org.ecrl4j.pipeline.VideoFeatures;
import org.ecrl4j.saliency.ForegroundBackgroundSplit;
import org.ecrl4j.saliency.SaliencyMap;
import org.ecrl4j.saliency.SplitClip;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.video.RgbFrame;
import org.junit.jupiter.api.Test;

/**
 * The Grad-CAM model of a head over the three streams' encoders ({@link ClipEvidence#head}): its
 * logits for a clip must be the head's logits for the clip's features (V through M_v, S through
 * M_s, C through M_c). The three encoders are given different weights and the clip's streams
 * differ, so feeding a wrong stream changes the logits (checked too).
 */
class ClipEvidenceTest {
    static final int T = 4;
    static final int SIZE = 32;

    /** A clip with a red square moving right (its saliency) on a noisy green-blue background. */
    static SplitClip clip() {
        Random r = new Random(5);
        List<RgbFrame> frames = new ArrayList<>();
        List<SaliencyMap> maps = new ArrayList<>();
        for (int t = 0; t < T; t++) {
            RgbFrame f = RgbFrame.black(SIZE, SIZE);
            byte[] sal = new byte[SIZE * SIZE];
            for (int i = 0; i < SIZE * SIZE; i++) {
                f.pixels()[i * 3 + 1] = (byte) (60 + r.nextInt(120));
                f.pixels()[i * 3 + 2] = (byte) (40 + r.nextInt(80));
            }
            for (int y = 10; y < 18; y++) {
                for (int x = 3 + 4 * t; x < 11 + 4 * t; x++) {
                    f.pixels()[(y * SIZE + x) * 3] = (byte) 230;
                    f.pixels()[(y * SIZE + x) * 3 + 1] = 0;
                    sal[y * SIZE + x] = (byte) 255;
                }
            }
            frames.add(f);
            maps.add(new SaliencyMap(SIZE, SIZE, sal));
        }
        return new ForegroundBackgroundSplit(SplitOptions.PAPER).split(frames, maps);
    }

    /** Scales every weight of an encoder copy, so that M_s and M_c differ from M_v. */
    static void perturb(VideoEncoder e, float factor) {
        for (Pair<String, Parameter> p : ((TinyVideoNet) e).getParameters()) {
            if (p.getKey().contains("weight")) {
                p.getValue().getArray().muli(factor);
            }
        }
    }

    @Test
    void gradCamLogitsEqualTheHeadsLogitsOnTheClipsFeatures() {
        SplitClip split = clip();
        try (NDManager manager = NDManager.newBaseManager()) {
            TinyVideoNet net = TinyVideoNet.create(manager, List.of(4, 8), 2);
            Encoders encoders = Encoders.of(net, EncoderSharing.SEPARATE, manager);
            perturb(encoders.foreground(), 1.7f);
            perturb(encoders.background(), 0.4f);
            int d = encoders.featureWidth();
            float[][] f = VideoFeatures.encode(encoders, manager, List.of(split), 1);
            FeatureSet features = new FeatureSet(f[0], f[1], f[2], new long[] {0}, T, d);
            FeatureSet swapped = new FeatureSet(f[0], f[2], f[1], new long[] {0}, T, d);
            Random r = new Random(3);
            float[][] entries = new float[4][d];
            for (float[] e : entries) {
                for (int k = 0; k < d; k++) {
                    e[k] = (float) r.nextGaussian();
                }
            }
            ConfounderDictionary dictionary = new ConfounderDictionary(entries, new float[] {0.1f, 0.2f, 0.3f, 0.4f},
                    DictionaryKind.values()[0]);
            for (String name : List.of("ecrl", "base", "fcm-bcm-tsc-bd", "ecrl-plus")) {
                HeadConfig config = Recipes.named(name).head().toBuilder().globalEntries(6).build();
                try (HeadModel model = HeadModel.create(config, new HeadShape(T, d, 3), dictionary, null, 9)) {
                    float[] expected = model.logits(features, 1);
                    ClipEvidence.CamModel cam = ClipEvidence.head(encoders, model);
                    assertTrue(cam.backbone() == net, "Grad-CAM explains M_v");
                    GradCam.Result result;
                    try (NDManager m = manager.newSubManager()) {
                        NDArray x = ClipBatches.toArray(m, List.of(split.whole()));
                        result = GradCam.compute(cam.backbone(), cam.head(split, m), x, -1);
                    }
                    assertArrayEquals(expected, result.logits(), 1e-4f, name + ": Grad-CAM's logits = the head's");
                    assertEquals(T, result.maps().length);
                    assertEquals(SIZE / 4, result.maps()[0].length, "two stride-2 stages");
                    float max = 0;
                    for (float[][] map : result.maps()) {
                        for (float[] row : map) {
                            for (float v : row) {
                                assertTrue(v >= 0, "a Grad-CAM map is a ReLU");
                                max = Math.max(max, v);
                            }
                        }
                    }
                    assertTrue(max > 0, name + ": the map is not empty");
                    if (!name.equals("base")) {
                        // The wiring is observable: S and C swapped give other logits.
                        float[] wrong = model.logits(swapped, 1);
                        double diff = 0;
                        for (int c = 0; c < wrong.length; c++) {
                            diff = Math.max(diff, Math.abs(wrong[c] - expected[c]));
                        }
                        assertTrue(diff > 1e-3, name + " depends on which stream is S and which is C: " + diff);
                    }
                }
            }
            // fg-only reads F_v nowhere (only the foreground stream): its map would be empty, and it is refused.
            // (ecrl-plus, which read F_v nowhere before issue 17, now has its V path and is explained above.)
            try (HeadModel fg = HeadModel.create(Recipes.named("fg-only").head(), new HeadShape(T, d, 3), null, null, 1)) {
                String msg = assertThrows(IllegalArgumentException.class, () -> ClipEvidence.head(encoders, fg))
                        .getMessage();
                assertTrue(msg.contains("F_v") && msg.contains("fg-only"), msg);
            }
            // A head on features of another width is refused, naming both widths.
            try (HeadModel narrow = HeadModel.create(Recipes.named("base").head(), new HeadShape(T, d + 1, 3), null, null, 1)) {
                String msg = assertThrows(IllegalArgumentException.class, () -> ClipEvidence.head(encoders, narrow))
                        .getMessage();
                assertTrue(msg.contains("d=" + d) && msg.contains("d=" + (d + 1)), msg);
            }
        }
    }
}
