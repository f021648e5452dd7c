package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TorchScript backbone is a program (issue 10, case 6): a forward that never returns stops at the
 * load-time probe's time limit and the JVM still exits; a bad backbone is refused before any
 * video is decoded.
 */
class BackboneHardeningTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/torchscript").toAbsolutePath();
    static final Path LOOP = DIR.resolve("loop_forever.pt");
    static final Path NOT_A_MODEL = DIR.resolve("not_a_model.pt");
    static final Path VIDEOS = Path.of("src/test/resources/fixtures/videos").toAbsolutePath();

    /**
     * Runs {@code ecrl4j backbone} on the looping model in a JVM of its own (the probe's native
     * call cannot be interrupted, so it would spin in this one until the tests end), with a 2 s
     * limit: the command must fail with one line and its JVM must exit.
     */
    @Test
    void aForwardThatNeverReturnsStopsAtTheProbeTimeLimit(@TempDir Path tmp) throws Exception {
        Path err = tmp.resolve("err.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Dai.djl.offline=true", "-Decrl4j.probeTimeoutSeconds=2",
                "-cp", System.getProperty("java.class.path"), "org.ecrl4j.cli.Main",
                "backbone", "--backbone", "torchscript:" + LOOP, "--frames", "2", "--size", "16")
                .redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(err.toFile()).start();
        long t0 = System.nanoTime();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("ecrl4j backbone on a looping model did not exit in 90 s: " + Files.readString(err));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String e = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), e);
        List<String> lines = e.lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(List.of("error: " + LOOP + ": the load-time probe did not finish in 2 s; the TorchScript file may"
                + " loop forever \u2014 load only files you trust (a slow model: raise -Decrl4j.probeTimeoutSeconds,"
                + " default 60)"), lines, e);
        assertTrue(seconds < 60, "exited after " + seconds + " s");
    }

    /** A dataset whose every video is damaged: decoding first would fail on the videos, not the backbone. */
    static Path badDataset(Path tmp) throws Exception {
        Path ds = Files.createDirectories(tmp.resolve("ds"));
        Files.copy(VIDEOS.resolve("corrupted.mp4"), ds.resolve("a.mp4"));
        Files.writeString(ds.resolve("b.mp4"), "not a video");
        Files.copy(VIDEOS.resolve("corrupted.mp4"), ds.resolve("c.mp4"));
        Files.writeString(ds.resolve("d.mp4"), "not a video");
        return Files.writeString(ds.resolve("annotations.csv"),
                "path,label,split\na.mp4,x,train\nb.mp4,y,train\nc.mp4,x,val\nd.mp4,y,val\n");
    }

    static String run(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EcrlCommandTest.run(out, err, args);
        assertEquals(expectedCode, code, err.toString());
        return err.toString();
    }

    @Test
    void trainRefusesABadBackboneBeforeDecoding(@TempDir Path tmp) throws Exception {
        Path ann = badDataset(tmp);
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        String e;
        try {
            System.setErr(new java.io.PrintStream(log, true, StandardCharsets.UTF_8));
            e = run(1, "train", "--data", ann.toString(), "--out", tmp.resolve("run").toString(),
                    "--backbone", "torchscript:" + NOT_A_MODEL, "--size", "16", "--frames", "4", "--workers", "1");
        } finally {
            System.setErr(old);
        }
        assertTrue(e.startsWith("error: " + NOT_A_MODEL + ": not a TorchScript archive"), e);
        assertFalse(log.toString(StandardCharsets.UTF_8).contains("decoding"), log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void extractRefusesABadBackboneBeforeDecoding(@TempDir Path tmp) throws Exception {
        Path ann = badDataset(tmp);
        String e = run(1, "extract", "--data", ann.toString(), "--out", tmp.resolve("f.npz").toString(),
                "--backbone", "torchscript:" + NOT_A_MODEL, "--size", "16", "--frames", "4", "--workers", "1");
        assertTrue(e.startsWith("error: " + NOT_A_MODEL + ": not a TorchScript archive"), e);
    }

}
