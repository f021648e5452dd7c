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

    @Test
    void theSidecarStatesTheContract() throws Exception {
        Path sidecar = tmp.resolve("r2plus1d_18.json");
        JsonNode n = new ObjectMapper().readTree(sidecar.toFile());
        assertEquals(8, n.get("frames").asInt());
        assertEquals(64, n.get("size").asInt());
        assertEquals(512, n.get("width").asInt());
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
