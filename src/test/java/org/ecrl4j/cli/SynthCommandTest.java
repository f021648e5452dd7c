package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {
    @TempDir Path tmp;

    @Test
    void writesATinyBenchmark() throws Exception {
        Path out = tmp.resolve("bench");
        StringWriter o = new StringWriter(), e = new StringWriter();
        int rc = EcrlCommandTest.run(o, e, "synth", "--out", out.toString(), "--classes", "2", "--per-class", "1",
                "--size", "16", "--frames", "8", "--seed", "3", "--threads", "1");
        assertEquals(0, rc, e.toString());
        assertTrue(o.toString().contains("wrote 14 videos"), o.toString());
        List<String> lines = Files.readAllLines(out.resolve("annotations.csv"));
        assertEquals("path,label,split,background,shape,seed", lines.get(0));
        assertEquals(15, lines.size());
        assertEquals(List.of("slide-left", "slide-right"), Files.readAllLines(out.resolve("classes.txt")));
        assertTrue(Files.readString(out.resolve("benchmark.json")).contains("\"seed\" : 3"));

        // A second run into the same folder needs --overwrite.
        StringWriter o2 = new StringWriter(), e2 = new StringWriter();
        assertEquals(1, EcrlCommandTest.run(o2, e2, "synth", "--out", out.toString(), "--classes", "2",
                "--per-class", "1", "--size", "16", "--frames", "8"));
        assertTrue(e2.toString().startsWith("error: ") && e2.toString().contains("--overwrite"), e2.toString());
    }

    @Test
    void badOptionsAreBadUsage() {
        for (String[] bad : new String[][] {{"--classes", "3"}, {"--size", "15"}, {"--codec", "vp9"},
                {"--bg-bias", "2"}, {"--threads", "-1"}}) {
            StringWriter o = new StringWriter(), e = new StringWriter();
            String[] args = {"synth", "--out", tmp.resolve("x").toString(), bad[0], bad[1]};
            assertEquals(2, EcrlCommandTest.run(o, e, args), String.join(" ", bad) + ": " + e);
            String opt = bad[0].substring(2);
            assertTrue(e.toString().contains(opt), bad[0] + ": " + e);
        }
        assertTrue(Files.notExists(tmp.resolve("x")), "nothing written on bad usage");
    }

    @Test
    void helpListsSynth() {
        StringWriter o = new StringWriter(), e = new StringWriter();
        assertEquals(0, EcrlCommandTest.run(o, e, "--help"));
        assertTrue(o.toString().contains("synth"), o.toString());
    }
}
