package org.ecrl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.ecrl4j.synth.BenchmarkPlan;
import org.ecrl4j.synth.BenchmarkWriter;
import org.ecrl4j.synth.Hardness;
import org.ecrl4j.synth.SynthConfig;
import org.ecrl4j.synth.VideoCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's preset plumbing: which benchmark folder it reuses, and a bad preset. */
class DemoPresetTest {
    @TempDir Path tmp;

    /** A benchmark folder is reused only for the preset (size and switches) it was written with. */
    @Test
    void aBenchmarkOfTheOtherPresetIsNotReused() throws Exception {
        SynthConfig hard = new SynthConfig(2, 1, 16, 8, 8, 0.9, 0.8, 1, VideoCodec.H264, Hardness.HARD);
        Path dir = tmp.resolve("bench");
        new BenchmarkWriter(new BenchmarkPlan(hard), 2, null).write(dir, false);
        assertTrue(Demo.sameBenchmark(dir, hard));
        assertFalse(Demo.sameBenchmark(dir, hard.withHardness(Hardness.NONE)), "a default config reused a hard folder");
        assertFalse(Demo.sameBenchmark(dir, hard.withHardness(Hardness.HARD.withDistractors(3))));
        assertFalse(Demo.sameBenchmark(dir, hard.withSize(24)));
        Path plain = tmp.resolve("plain");
        new BenchmarkWriter(new BenchmarkPlan(hard.withHardness(Hardness.NONE)), 2, null).write(plain, false);
        assertTrue(Demo.sameBenchmark(plain, hard.withHardness(Hardness.NONE)));
        assertFalse(Demo.sameBenchmark(plain, hard));
        assertFalse(Demo.sameBenchmark(tmp.resolve("absent"), hard));
    }

    @Test
    void anUnknownPresetIsOneUsageError() {
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = org.ecrl4j.cli.EcrlCommand.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("demo", "--out", tmp.resolve("never").toString(), "--preset", "harder"));
        assertTrue(err.toString().contains("--preset") && err.toString().contains("hard"), err.toString());
        assertFalse(tmp.resolve("never").toFile().exists(), "a refused demo created its folder");
    }
}
