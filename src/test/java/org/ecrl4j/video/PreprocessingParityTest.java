package org.ecrl4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Locale;
import org.ecrl4j.data.Npy;
import org.ecrl4j.data.NpyArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Preprocessing parity with the Python ecosystem (issue 12, part 2): decoding, sampling, resizing,
 * cropping and normalising a fixture video in ecrl4j gives the clip tensor that PyAV +
 * torchvision.transforms give (arrays made by tools/parity/make_parity_arrays.py, stored in
 * fixtures/parity/): the same frame indices, and a mean absolute difference of at most 0.01 after
 * normalisation.
 */
class PreprocessingParityTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/parity");

    @ParameterizedTest
    @ValueSource(strings = {"h264_340x256_300f", "xvid_320x240_164f", "rotated_90", "vfr_200x150"})
    void sameIndicesAndCloseTensor(String name) throws Exception {
        JsonNode meta = new ObjectMapper().readTree(DIR.resolve("parity.json").toFile());
        JsonNode v = meta.get("videos").get(name);
        int t = meta.get("frames").asInt();
        int size = meta.get("size").asInt();
        Normalisation norm = new Normalisation(floats(meta.get("mean")), floats(meta.get("std")));
        ClipReader.Sampled s = ClipReader.sample(Path.of(v.get("path").asText()), null, FrameSampler.segment(t),
                new ClipTransform(size, size, size, 0), DecodeOptions.DEFAULTS, false, 0);
        int[] expected = new int[t];
        for (int i = 0; i < t; i++) {
            expected[i] = v.get("indices").get(i).asInt();
        }
        assertArrayEquals(expected, s.frameIndices(), name + ": frame indices");
        float[] ours = ClipTransform.normalise(s.frames(), norm).data();
        NpyArray ref = Npy.read(DIR.resolve(name + ".npy"));
        assertArrayEquals(new long[] {3, t, size, size}, ref.shape());
        float[] theirs = ref.toFloatArray();
        assertEquals(theirs.length, ours.length);
        double sum = 0;
        double worst = 0;
        for (int i = 0; i < ours.length; i++) {
            double d = Math.abs(ours[i] - theirs[i]);
            sum += d;
            worst = Math.max(worst, d);
        }
        double mad = sum / ours.length;
        System.out.printf(Locale.ROOT, "parity %s: mean |diff| %.4f, max %.3f%n", name, mad, worst);
        assertTrue(mad <= 0.01, String.format(Locale.ROOT, "%s: mean absolute difference %.4f > 0.01 (max %.3f)",
                name, mad, worst));
    }

    private static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) a.get(i).asDouble();
        }
        return out;
    }
}
