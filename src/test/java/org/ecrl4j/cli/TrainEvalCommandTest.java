package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.ecrl4j.data.FeatureSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainEvalCommandTest {
    @TempDir Path dir;

    static FeatureSet planted(int n, int t, int d, long seed) {
        Random r = new Random(seed);
        Random means = new Random(99);
        float[][] m = new float[3][d];
        for (float[] row : m) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) means.nextGaussian();
            }
        }
        float[][] s = new float[3][n * t * d];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (float[] stream : s) {
                for (int k = 0; k < t * d; k++) {
                    stream[i * t * d + k] = m[(int) y[i]][k % d] + (float) r.nextGaussian();
                }
            }
        }
        return new FeatureSet(s[0], s[1], s[2], y, t, d);
    }

    record Run(int code, String out, String err) {}

    /** Runs the CLI with standard output and error captured (the CLI's writers wrap them). */
    Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = EcrlCommand.commandLine().execute(args);
            System.err.flush();
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void trainThenEvaluateWritesTheRunFolderAndMetrics() throws Exception {
        Path train = dir.resolve("train.npz");
        Path test = dir.resolve("test.npz");
        planted(60, 4, 8, 1).save(train);
        planted(30, 4, 8, 2).save(test);
        Path runDir = dir.resolve("run");
        Run r = run("train", "--features", train.toString(), "--val", test.toString(), "--config", "ecrl",
                "--out", runDir.toString(), "--epochs", "3", "--lr", "3e-3", "--global-entries", "16", "--seed", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("epoch 3/3"), r.err());
        for (String f : new String[] {"config.json", "metrics.json", "head.params", "dictionary.npz"}) {
            assertTrue(Files.isRegularFile(runDir.resolve(f)), f + " missing");
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(runDir.resolve("config.json").toFile());
        assertEquals("ecrl", config.at("/head/name").asText());
        assertEquals(4, config.at("/provenance/seed").asInt());
        assertEquals("fp32", config.at("/provenance/precision").asText(), "the default --precision is recorded");
        assertEquals(64, config.at("/provenance/inputs/features/sha256").asText().length());
        JsonNode metrics = json.readTree(runDir.resolve("metrics.json").toFile());
        assertEquals(3, metrics.get("history").size());
        double valAcc = metrics.at("/val/acc1").asDouble();

        Run e = run("eval", "--run", runDir.toString(), "--features", test.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        JsonNode result = json.readTree(e.out());
        assertEquals(valAcc, result.get("acc1").asDouble(), 1e-9, "eval must reproduce the run's own val metrics");
        assertTrue(result.has("acc5") && result.has("mean_class_acc"));
        assertTrue(Files.isRegularFile(runDir.resolve("eval-test.json")));
        assertEquals(4, Files.readAllLines(runDir.resolve("confusion-test.csv")).size());
    }

    @Test
    void badInputGivesOneClearError() throws Exception {
        Path train = dir.resolve("train.npz");
        planted(30, 4, 8, 1).save(train);
        Path runDir = dir.resolve("run");
        assertEquals(0, run("train", "--features", train.toString(), "--config", "fcm-bcm-bd", "--out",
                runDir.toString(), "--epochs", "1").code());

        Path wide = dir.resolve("wide.npz");
        planted(6, 4, 12, 3).save(wide);
        Run r = run("eval", "--run", runDir.toString(), "--features", wide.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("d=12") && r.err().contains("d=8"), r.err());

        Run missing = run("train", "--features", dir.resolve("nope.npz").toString(), "--out",
                dir.resolve("run2").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nope.npz"), missing.err());

        // A run folder whose parameters belong to another configuration.
        Path config = runDir.resolve("config.json");
        String original = Files.readString(config);
        Files.writeString(config, original.replace("\"fcm-bcm-bd\"", "\"base\"")
                .replace("\"branch\" : \"JOINT\"", "\"branch\" : \"NONE\"")
                .replace("\"backdoor\" : true", "\"backdoor\" : false"));
        Run other = run("eval", "--run", runDir.toString(), "--features", train.toString());
        assertEquals(1, other.code());
        assertTrue(other.err().contains("head.params") && other.err().contains("does not match"), other.err());
        Files.writeString(config, original);

        Files.delete(runDir.resolve("dictionary.npz"));
        Run noDict = run("eval", "--run", runDir.toString(), "--features", train.toString());
        assertEquals(1, noDict.code());
        assertTrue(noDict.err().contains("dictionary.npz"), noDict.err());

        assertEquals(2, run("train", "--features", train.toString()).code(), "missing --out is bad usage");
        Run unknown = run("train", "--features", train.toString(), "--out", runDir.toString(), "--config", "nope");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("ecrl-plus"), unknown.err());
    }

    /** Issue 10 cases 5 and 7 through the CLI: one line on standard error, exit 1, no stack trace. */
    @Test
    void damagedRunFilesGiveOneLine() throws Exception {
        Path train = dir.resolve("train.npz");
        planted(30, 4, 8, 1).save(train);
        Path runDir = dir.resolve("run");
        assertEquals(0, run("train", "--features", train.toString(), "--config", "fcm-bcm-bd", "--out",
                runDir.toString(), "--epochs", "1").code());
        Path params = runDir.resolve("head.params");
        byte[] good = Files.readAllBytes(params);
        org.ecrl4j.util.FileDamage.truncate(params, 0.5);
        Run truncated = run("eval", "--run", runDir.toString(), "--features", train.toString());
        assertEquals(1, truncated.code());
        assertEquals("error: " + params + " is truncated; retrain the run or restore the file from a backup"
                + System.lineSeparator(), truncated.err());
        Files.write(params, good);

        Path config = runDir.resolve("config.json");
        String original = Files.readString(config);
        Files.writeString(config, original.replace("\"fcm-bcm-bd\"", "\"nope\""));
        Run unknown = run("eval", "--run", runDir.toString(), "--features", train.toString());
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().startsWith("error: " + config + ": head.name 'nope' is not a known configuration"),
                unknown.err());
        assertEquals(1, unknown.err().lines().count(), unknown.err());
        Files.writeString(config, original);
        assertEquals(0, run("eval", "--run", runDir.toString(), "--features", train.toString()).code());
    }
}
