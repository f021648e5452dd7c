package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ecrl4j.data.Npy;
import org.ecrl4j.data.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackboneCommandTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/torchscript");
    static final String MODEL = "torchscript:" + DIR.resolve("tiny_video_backbone.pt");
    static final String INPUT = DIR.resolve("input_2x3x8x64x64.npy").toString();
    static final String EXPECTED = DIR.resolve("expected_output_2x8x32.npy").toString();

    @Test
    void checksTheFixtureAgainstPyTorchsOutput() {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int rc = EcrlCommandTest.run(o, e, "backbone", "--backbone", MODEL, "--input", INPUT, "--expected", EXPECTED);
        assertEquals(0, rc, e.toString());
        assertTrue(o.toString().contains("(2, 3, 8, 64, 64) to (2, 8, 32) (d = 32)"), o.toString());
        assertTrue(o.toString().contains("matches"), o.toString());
    }

    @Test
    void builtinOnARandomClip() {
        StringWriter o = new StringWriter(), e = new StringWriter();
        assertEquals(0, EcrlCommandTest.run(o, e, "backbone", "--frames", "4", "--size", "32"), e.toString());
        assertTrue(o.toString().contains("(1, 3, 4, 32, 32) to (1, 4, 64) (d = 64)"), o.toString());
    }

    @Test
    void aDifferentOutputFails(@TempDir Path tmp) throws Exception {
        float[] wrong = Npy.read(Path.of(EXPECTED)).toFloatArray();
        wrong[5] += 1e-3f;
        Path file = tmp.resolve("wrong.npy");
        Npy.write(file, NpyArray.ofFloats(wrong, 2, 8, 32));
        StringWriter o = new StringWriter(), e = new StringWriter();
        assertEquals(1, EcrlCommandTest.run(o, e, "backbone", "--backbone", MODEL, "--input", INPUT, "--expected",
                file.toString()));
        assertTrue(e.toString().startsWith("error: " + file) && e.toString().contains("largest difference"),
                e.toString());
    }

    @Test
    void badModelAndBadUsage() {
        StringWriter o = new StringWriter(), e = new StringWriter();
        Path bad = DIR.resolve("not_a_model.pt");
        assertEquals(1, EcrlCommandTest.run(o, e, "backbone", "--backbone", "torchscript:" + bad));
        assertTrue(e.toString().contains(bad + ": not a TorchScript archive"), e.toString());

        StringWriter o2 = new StringWriter(), e2 = new StringWriter();
        assertEquals(2, EcrlCommandTest.run(o2, e2, "backbone", "--backbone", "vgg"));
        assertTrue(e2.toString().contains("'vgg'"), e2.toString());
        StringWriter o3 = new StringWriter(), e3 = new StringWriter();
        assertEquals(2, EcrlCommandTest.run(o3, e3, "backbone", "--expected", EXPECTED));
        assertTrue(e3.toString().contains("--input"), e3.toString());
        assertTrue(Files.exists(bad));
    }
}
