package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ecrl4j.nn.backbone.BackboneContract;
import org.ecrl4j.tools.PythonTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export recipe end to end (issue 12, part 1): tools/export_backbone.py exports torchvision's
 * r2plus1d_18 with random weights, and {@code ecrl4j backbone --input --expected} reproduces
 * PyTorch's output within 1e-4, reading T, the size and the normalisation from the sidecar.
 */
class ExportBackboneTest {
    @TempDir static Path tmp;
    static Path model;
    static Path input;
    static Path expected;

    @BeforeAll
    static void export() throws Exception {
        PythonTools.require();
        model = tmp.resolve("r2plus1d_18.pt");
        input = tmp.resolve("in.npy");
        expected = tmp.resolve("out.npy");
        PythonTools.runOk("tools/export_backbone.py", "r2plus1d_18", "--random", "--frames", "8", "--size", "64",
                "--out", model.toString(), "--check-input", input.toString(), "--check-output", expected.toString());
    }

    @Test
    void ecrl4jReproducesPyTorchWithin1e4() {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int rc = EcrlCommandTest.run(o, e, "backbone", "--backbone", "torchscript:" + model, "--input",
                input.toString(), "--expected", expected.toString(), "--tolerance", "1e-4");
        assertEquals(0, rc, e.toString());
        assertTrue(o.toString().contains("(2, 3, 8, 64, 64) to (2, 8, 512) (d = 512)"), o.toString());
        assertTrue(o.toString().contains("matches " + expected), o.toString());
    }

    /**
     * --precision bf16 runs the export's forward_bf16 (a bfloat16 copy of the network): its features
     * stay within bf16 rounding of PyTorch's float32 ones (cosine >= 0.999 per clip) but are not
     * the float32 ones; a file without the method runs in fp32.
     */
    @Test
    void bf16RunsTheExportsBf16CopyWithinRoundingOfFp32() throws Exception {
        float[] want = org.ecrl4j.data.Npy.read(expected).toFloatArray();
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            org.ecrl4j.nn.backbone.TorchScriptEncoder enc = org.ecrl4j.nn.backbone.TorchScriptEncoder.load(m, model,
                    new org.ecrl4j.nn.backbone.ClipShape(8, 64, 64), false);
            enc.setPrecision(org.ecrl4j.util.Precision.BF16);
            assertEquals(org.ecrl4j.util.Precision.BF16, enc.precision());
            ai.djl.ndarray.NDArray x = org.ecrl4j.data.Npy.read(input).toNDArray(m);
            float[] got = enc.forward(new ai.djl.training.ParameterStore(m, false), new ai.djl.ndarray.NDList(x), false)
                    .singletonOrThrow().toFloatArray();
            assertEquals(want.length, got.length);
            int per = want.length / 2;
            double worst = 0;
            for (int clip = 0; clip < 2; clip++) {
                double dot = 0, a = 0, b = 0;
                for (int i = clip * per; i < (clip + 1) * per; i++) {
                    dot += want[i] * (double) got[i];
                    a += want[i] * (double) want[i];
                    b += got[i] * (double) got[i];
                    worst = Math.max(worst, Math.abs(want[i] - got[i]));
                }
                double cosine = dot / Math.sqrt(a * b);
                assertTrue(cosine >= 0.999, "clip " + clip + ": bf16 features have cosine " + cosine + " to fp32");
            }
            assertTrue(worst > 1e-6, "bf16 features equal the fp32 ones (max diff " + worst + "): forward_bf16 did not run");
        }
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            Path old = Path.of("src/test/resources/fixtures/torchscript/tiny_video_backbone.pt");
            org.ecrl4j.nn.backbone.TorchScriptEncoder enc = org.ecrl4j.nn.backbone.TorchScriptEncoder.load(m, old,
                    new org.ecrl4j.nn.backbone.ClipShape(8, 64, 64), false);
            enc.setPrecision(org.ecrl4j.util.Precision.BF16);
            assertEquals(org.ecrl4j.util.Precision.FP32, enc.precision(), "a file without forward_bf16 runs in fp32");
        }
    }

    @Test
    void theSidecarStatesTheContract() throws Exception {
        Path sidecar = tmp.resolve("r2plus1d_18.json");
        JsonNode n = new ObjectMapper().readTree(sidecar.toFile());
        assertEquals(8, n.get("frames").asInt());
        assertEquals(64, n.get("size").asInt());
        assertEquals(512, n.get("width").asInt());
        assertEquals("forward_bf16", n.get("bf16").get("method").asText());
        assertTrue(n.get("bf16").get("min_cosine_to_fp32").asDouble() >= 0.999, n.toString());
        assertTrue(n.get("torchvision").asText().startsWith("0."), n.toString());
        BackboneContract c = BackboneContract.read(sidecar);
        // torchvision's Kinetics-400 normalisation, not the reference one.
        assertEquals(0.43216f, c.mean()[0], 1e-6);
        assertEquals(0.216989f, c.std()[2], 1e-6);
    }

    @Test
    void aFlagThatContradictsTheSidecarIsAnError() {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int rc = EcrlCommandTest.run(o, e, "backbone", "--backbone", "torchscript:" + model, "--size", "112");
        assertNotEquals(0, rc);
        assertTrue(e.toString().contains("--size 112 contradicts " + tmp.resolve("r2plus1d_18.json")), e.toString());
        assertEquals(1, e.toString().strip().lines().count(), e.toString());
        // Without flags the sidecar's T and size are used.
        StringWriter o2 = new StringWriter(), e2 = new StringWriter();
        assertEquals(0, EcrlCommandTest.run(o2, e2, "backbone", "--backbone", "torchscript:" + model), e2.toString());
        assertTrue(o2.toString().contains("(1, 3, 8, 64, 64) to (1, 8, 512)"), o2.toString());
    }

    @Test
    void theScriptRefusesWhatItCannotDo() throws Exception {
        Path out = tmp.resolve("x.pt");
        PythonTools.Output noWeights = PythonTools.run("tools/export_backbone.py", "r3d_18", "--out", out.toString());
        assertEquals(2, noWeights.exitCode(), noWeights.text());
        assertTrue(noWeights.text().contains("no cached torchvision weights for r3d_18"), noWeights.text());
        PythonTools.Output mvit = PythonTools.run("tools/export_backbone.py", "mvit_v2_s", "--random", "--size", "112",
                "--out", out.toString());
        assertEquals(2, mvit.exitCode(), mvit.text());
        assertTrue(mvit.text().contains("T=16 and 224x224 only"), mvit.text());
        Path junk = tmp.resolve("junk.pth");
        Files.writeString(junk, "not a state dict");
        PythonTools.Output bad = PythonTools.run("tools/export_backbone.py", "r3d_18", "--weights", junk.toString(),
                "--out", out.toString());
        assertEquals(2, bad.exitCode(), bad.text());
        assertTrue(bad.text().contains("--weights " + junk + ": not a PyTorch file"), bad.text());
        assertTrue(!Files.exists(out), "nothing written on failure");
    }
}
