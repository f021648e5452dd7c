package org.ecrl4j.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OracleSaliencyTest {
    static final SynthConfig CFG = new SynthConfig(2, 1, 24, 16, 8, 0.9, 0.8, 9, VideoCodec.H264);
    @TempDir static Path dir;
    static BenchmarkPlan plan;

    @BeforeAll
    static void write() throws IOException {
        plan = new BenchmarkPlan(CFG);
        new BenchmarkWriter(plan, 2, null).write(dir, false);
    }

    @Test
    void returnsTheRenderedMasksOfTheSampledFrames() throws IOException {
        OracleSaliency oracle = new OracleSaliency(dir);
        EventRenderer renderer = new EventRenderer(24, 16);
        int[] sampled = SynthConfig.sampledFrames(16, 8);
        for (BenchmarkPlan.Entry e : plan.entries()) {
            List<byte[]> expected = renderer.render(e.spec()).masks();
            // Relative and absolute video paths both work.
            for (Path video : List.of(Path.of(e.path()), dir.resolve(e.path()).toAbsolutePath())) {
                List<byte[]> maps = oracle.maps(video, sampled);
                assertEquals(8, maps.size());
                for (int k = 0; k < sampled.length; k++) {
                    assertEquals(24 * 24, maps.get(k).length);
                    assertArrayEquals(expected.get(sampled[k]), maps.get(k), e.path() + " frame " + sampled[k]);
                }
            }
        }
        BenchmarkPlan.Entry event = plan.entries().get(0);
        List<byte[]> maps = oracle.maps(Path.of(event.path()), sampled);
        int on = 0;
        for (byte b : maps.get(0)) {
            on += b == (byte) 255 ? 1 : 0;
            assertTrue(b == 0 || b == (byte) 255);
        }
        assertTrue(on > 10, "an event video's mask holds the object: " + on + " pixels");
    }

    @Test
    void badInputGetsOneClearError() throws IOException {
        OracleSaliency oracle = new OracleSaliency(dir);
        BenchmarkPlan.Entry e = plan.entries().get(1);
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> oracle.maps(Path.of(e.path()), new int[] {16}));
        assertTrue(range.getMessage().contains(e.path()), range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> oracle.maskFile(Path.of("/elsewhere/videos/x.mp4")));

        Path mask = dir.resolve(e.maskPath());
        byte[] saved = Files.readAllBytes(mask);
        try {
            Files.write(mask, new byte[] {1, 2, 3});
            IOException bad = assertThrows(IOException.class, () -> oracle.maps(Path.of(e.path()), new int[] {0}));
            assertTrue(bad.getMessage().contains(mask.toString()), bad.getMessage());
            Files.delete(mask);
            IOException missing = assertThrows(IOException.class, () -> oracle.maps(Path.of(e.path()), new int[] {0}));
            assertTrue(missing.getMessage().contains(mask.toString()) && missing.getMessage().contains("ecrl4j synth"),
                    missing.getMessage());
        } finally {
            Files.write(mask, saved);
        }
        IOException notBench = assertThrows(IOException.class, () -> new OracleSaliency(dir.resolve("videos")));
        assertTrue(notBench.getMessage().contains("benchmark.json"), notBench.getMessage());
    }
}
