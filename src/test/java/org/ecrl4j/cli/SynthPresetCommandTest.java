package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code synth --preset hard} and the hard preset's switches on the command line. */
class SynthPresetCommandTest {
    @TempDir Path tmp;

    static int run(StringWriter err, String... args) {
        picocli.CommandLine cl = EcrlCommand.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }

    @Test
    void hardAt112WritesTheSwitchesAndTheSize() throws Exception {
        Path out = tmp.resolve("hard112");
        assertEquals(0, run(new StringWriter(), "synth", "--preset", "hard", "--size", "112", "--classes", "2",
                "--per-class", "1", "--threads", "2", "--out", out.toString()));
        JsonNode json = new ObjectMapper().readTree(out.resolve("benchmark.json").toFile());
        assertEquals(112, json.get("size").asInt());
        assertEquals(2, json.get("hardness").get("distractors").asInt());
        assertTrue(json.get("hardness").get("camera_motion").asBoolean());
        assertTrue(Files.isRegularFile(out.resolve("annotations.csv")));
    }

    @Test
    void oneSwitchAloneKeepsTheDefaultSizeAndAddsOnlyItself() throws Exception {
        Path out = tmp.resolve("cam");
        assertEquals(0, run(new StringWriter(), "synth", "--camera-motion", "--classes", "2", "--per-class", "1",
                "--out", out.toString()));
        JsonNode json = new ObjectMapper().readTree(out.resolve("benchmark.json").toFile());
        assertEquals(48, json.get("size").asInt());
        JsonNode h = json.get("hardness");
        assertTrue(h.get("camera_motion").asBoolean());
        assertEquals(0, h.get("distractors").asInt());
        assertTrue(!h.get("occlusion").asBoolean() && !h.get("speeds").asBoolean() && !h.get("dynamic_background").asBoolean());
    }

    @Test
    void badValuesAreOneUsageErrorNamingTheOption() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "synth", "--distractors", "9", "--out", tmp.resolve("x").toString()));
        assertTrue(err.toString().contains("distractors must be from 0 to 8"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(2, run(err2, "synth", "--preset", "extreme", "--out", tmp.resolve("y").toString()));
        assertTrue(err2.toString().contains("Unknown preset 'extreme'"), err2.toString());
    }
}
