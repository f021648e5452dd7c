package org.ecrl4j.tmpcheck;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ecrl4j.pipeline.Demo;
import org.ecrl4j.synth.SynthConfig;
import org.ecrl4j.synth.VideoCodec;
import org.ecrl4j.train.TrainOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoNumbersTmpTest {
    @TempDir Path dir;

    @Test
    void dump() throws Exception {
        SynthConfig tiny = new SynthConfig(2, 4, 24, 16, 8, 0.9, 0.8, 3, VideoCodec.H264);
        TrainOptions one = new TrainOptions(1, 4, 2e-3f, 1e-3f, TrainOptions.Schedule.COSINE, 4, 0.1f, 0, true);
        Demo.Options options = new Demo.Options(dir, List.of(1L, 2L), tiny, 8, "motion", one, one, 0.5, 2, List.of(4, 8));
        long t0 = System.nanoTime();
        new Demo(options, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
        System.out.println("DEMO SECONDS " + (System.nanoTime() - t0) / 1e9);
        Files.copy(dir.resolve("metrics.json"), Path.of(System.getProperty("dumpTo")), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("runs/ecrl/metrics.json"), Path.of(System.getProperty("dumpTo") + ".ecrl"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
