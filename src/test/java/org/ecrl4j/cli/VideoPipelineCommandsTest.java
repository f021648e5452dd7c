package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.synth.BenchmarkPlan;
import org.ecrl4j.synth.BenchmarkWriter;
import org.ecrl4j.synth.SynthConfig;
import org.ecrl4j.synth.VideoCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * extract, train --data, eval --data and predict end to end on a tiny generated benchmark (2
 * classes, 16x16, 18 videos), plus the bad inputs each must refuse or skip cleanly.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VideoPipelineCommandsTest {
    @TempDir static Path dir;
    static Path bench;
    /** The benchmark's annotations plus a train row whose video is missing. */
    static Path annotations;
    static Path run;
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] PIPELINE = {"--size", "16", "--frames", "4", "--workers", "2"};

    record Result(int code, String out, String err) {}

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        java.io.PrintStream oldOut = System.out;
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream e = new java.io.ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new java.io.PrintStream(o, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(e, true, java.nio.charset.StandardCharsets.UTF_8));
            code = EcrlCommandTest.run(out, err, args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(code, o.toString(java.nio.charset.StandardCharsets.UTF_8) + out,
                e.toString(java.nio.charset.StandardCharsets.UTF_8) + err);
    }

    static String[] args(String[] head, String... tail) {
        List<String> a = new ArrayList<>(List.of(head));
        a.addAll(List.of(tail));
        return a.toArray(new String[0]);
    }

    static String[] train(Path out, String... extra) {
        return train(annotations, out, extra);
    }

    static String[] train(Path data, Path out, String... extra) {
        return args(args(new String[] {"train", "--data", data.toString(), "--out", out.toString(),
            "--config", "ecrl", "--stage1-epochs", "1", "--epochs", "3", "--lr", "3e-3", "--global-entries", "8",
            "--seed", "3"}, PIPELINE), extra);
    }

    @BeforeAll
    static void benchmark() throws Exception {
        bench = dir.resolve("bench");
        SynthConfig config = new SynthConfig(2, 2, 16, 16, 8, 0.9, 0.8, 11, VideoCodec.H264);
        BenchmarkWriter.Summary s = new BenchmarkWriter(new BenchmarkPlan(config), 2, null).write(bench, false);
        assertTrue(s.failures().isEmpty(), s.failures().toString());
        annotations = bench.resolve("with-missing.csv");
        String csv = Files.readString(bench.resolve(BenchmarkWriter.ANNOTATIONS));
        Files.writeString(annotations, csv + "videos/train/missing.mp4,"
                + csv.lines().skip(1).findFirst().orElseThrow().split(",")[1] + ",train,x,y,0\n");
        run = dir.resolve("run");
    }

    @Test
    @Order(1)
    void trainOnVideosWritesAReproducibleRunFolder() throws Exception {
        Result r = cli(train(run));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("stage 1") && r.err().contains("stage-2 epoch 3/3")
                && r.err().contains("trained together"), "joint stage 2 by default: " + r.err());
        assertTrue(r.err().contains("missing.mp4"), "the missing video is listed: " + r.err());
        for (String f : List.of("config.json", "pipeline.json", "request.json", "metrics.json", "stage1.json",
                "head.params", "dictionary.npz", "encoders.params", "encoder.tvn", "checkpoint/joint-state.bin")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f + " missing");
        }
        JsonNode pipeline = JSON.readTree(run.resolve("pipeline.json").toFile());
        assertEquals("builtin", pipeline.get("backbone").asText());
        assertEquals(16, pipeline.get("size").asInt());
        assertEquals("FRAME", pipeline.at("/split/crop").asText());
        JsonNode config = JSON.readTree(run.resolve("config.json").toFile());
        assertEquals(2, config.get("classes").size());
        assertEquals(64, config.at("/provenance/inputs/annotations/sha256").asText().length());
        JsonNode metrics = JSON.readTree(run.resolve("metrics.json").toFile());
        assertEquals(3, metrics.get("history").size());
        assertEquals(1, metrics.get("skipped_videos").size());
        // Train: 2 classes x 2 videos (the missing one skipped); val: 2 x 1.
        assertEquals(4, FeatureSet.load(run.resolve("cache/train.npz")).count());
        assertEquals(2, metrics.at("/val/count").asInt());
    }

    /** Issue 17: one default, and {@code train --data} without {@code --config} runs it. */
    @Test
    @Order(2)
    void trainWithoutConfigRunsTheDefaultRecipe() throws Exception {
        Path out = dir.resolve("default-run");
        Result r = cli(args(new String[] {"train", "--data", annotations.toString(), "--out", out.toString(),
            "--stage1-epochs", "1", "--epochs", "1", "--global-entries", "8", "--seed", "3"}, PIPELINE));
        assertEquals(0, r.code(), r.err());
        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals("ecrl-plus", config.at("/head/name").asText());
        assertTrue(config.at("/head/videoLogit").asBoolean(), "the default has a V path: " + config.get("head"));
        assertEquals("S", config.at("/head/glcaStream").asText());
        JsonNode pipeline = JSON.readTree(out.resolve("pipeline.json").toFile());
        assertEquals("CLIP", pipeline.at("/split/crop").asText());
        assertEquals(1.0, pipeline.get("bgSwap").asDouble(), pipeline.toString());
    }

    @Test
    @Order(2)
    void extractWithTheRunsEncoderReproducesItsFeatures() throws Exception {
        Path out = dir.resolve("val.npz");
        Result r = cli(args(new String[] {"extract", "--data", annotations.toString(), "--split", "val",
            "--backbone", "builtin:" + run.resolve("encoder.tvn"), "--out", out.toString()}, PIPELINE));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("ETA"), r.err());
        FeatureSet mine = FeatureSet.load(out);
        FeatureSet cached = FeatureSet.load(run.resolve("cache/val.npz"));
        assertEquals(4, mine.frames());
        assertEquals(64, mine.width());
        assertArrayEquals(cached.labels(), mine.labels());
        for (String s : List.of(FeatureSet.VIDEO, FeatureSet.FOREGROUND, FeatureSet.BACKGROUND)) {
            assertArrayEquals(cached.stream(s), mine.stream(s), 1e-4f, s);
        }
        assertEquals(List.of("0", "1").size(), Files.readAllLines(dir.resolve("val.classes.txt")).size());
        assertFalse(Files.exists(dir.resolve("val.skipped.txt")));

        Path trainOut = dir.resolve("train.npz");
        Result t = cli(args(new String[] {"extract", "--data", annotations.toString(), "--split", "train",
            "--out", trainOut.toString()}, PIPELINE));
        assertEquals(0, t.code(), t.err());
        assertEquals(4, FeatureSet.load(trainOut).count());
        assertTrue(Files.readString(dir.resolve("train.skipped.txt")).contains("missing.mp4"));
        assertTrue(t.out().contains("1 skipped"), t.out());
    }

    @Test
    @Order(3)
    void evalOnVideosReproducesValAndReportsBiasMetrics() throws Exception {
        Result v = cli("eval", "--run", run.toString(), "--data", annotations.toString(), "--split", "val", "--json");
        assertEquals(0, v.code(), v.err());
        JsonNode val = JSON.readTree(v.out());
        JsonNode metrics = JSON.readTree(run.resolve("metrics.json").toFile());
        assertEquals(metrics.at("/val/acc1").asDouble(), val.at("/splits/val/acc1").asDouble(), 1e-9);

        Result all = cli("eval", "--run", run.toString(), "--data", annotations.toString(), "--json");
        assertEquals(0, all.code(), all.err());
        JsonNode e = JSON.readTree(all.out());
        for (String s : List.of("iid", "bg-shift", "obj-shift", "bg-only")) {
            assertTrue(e.at("/splits").has(s), s + " in " + e);
        }
        assertFalse(e.at("/splits").has("train"));
        assertEquals(e.at("/splits/iid/acc1").asDouble() - e.at("/splits/bg-shift/acc1").asDouble(),
                e.at("/bias/bias_gap").asDouble(), 1e-12);
        assertEquals(e.at("/splits/bg-only/acc1").asDouble(), e.at("/bias/static_bias").asDouble(), 1e-12);
        // The field's metrics (FieldBiasMetrics): 2 classes, so chance is 0.5.
        assertEquals((e.at("/bias/static_bias").asDouble() - 0.5) / 0.5, e.at("/bias/static_bias_normalised").asDouble(),
                1e-12);
        double contrasted = e.at("/bias/contrasted_accuracy").asDouble(-1);
        assertTrue(contrasted >= 0 && contrasted <= e.at("/splits/bg-shift/acc1").asDouble() + 1e-12, e.toString());
        JsonNode follows = e.at("/bias/follows_actor_rate");
        assertTrue(follows.isNull() || (follows.asDouble() >= 0 && follows.asDouble() <= 1), e.toString());
        assertTrue(Files.isRegularFile(run.resolve("eval-data.json")));
    }

    /** Issue 12 part 4: multi-view testing, named in the eval JSON; 1x1 is the plain evaluation. */
    @Test
    @Order(3)
    void evalWithViewsAveragesAndNamesTheViews() throws Exception {
        Result one = cli("eval", "--run", run.toString(), "--data", annotations.toString(), "--split", "val,iid",
                "--views", "1x1", "--json");
        assertEquals(0, one.code(), one.err());
        JsonNode j1 = JSON.readTree(one.out());
        assertEquals("1x1", j1.at("/views/views").asText());
        JsonNode metrics = JSON.readTree(run.resolve("metrics.json").toFile());
        assertEquals(metrics.at("/val/acc1").asDouble(), j1.at("/splits/val/acc1").asDouble(), 1e-9);

        Result many = cli("eval", "--run", run.toString(), "--data", annotations.toString(), "--split", "val,iid",
                "--views", "3x2", "--json");
        assertEquals(0, many.code(), many.err());
        JsonNode j = JSON.readTree(many.out());
        assertEquals("3x2", j.at("/views/views").asText());
        assertEquals(3, j.at("/views/clips").asInt());
        assertEquals(2, j.at("/views/crops").asInt());
        assertEquals(j1.at("/splits/iid/count").asInt(), j.at("/splits/iid/count").asInt());
        assertTrue(Files.isRegularFile(run.resolve("eval-data-val-iid-views3x2.json")));

        Result bad = cli("eval", "--run", run.toString(), "--data", annotations.toString(), "--views", "3by2");
        assertTrue(bad.code() != 0);
        assertTrue(bad.err().contains("--views '3by2' is not CLIPSxCROPS") && !bad.err().contains("\tat "), bad.err());
    }

    @Test
    @Order(4)
    void predictGivesProbabilitiesAndListsTheVideoItCannotRead() throws Exception {
        Path video = bench.resolve("videos/iid/0.mp4");
        if (!Files.exists(video)) {
            try (var s = Files.list(bench.resolve("videos/iid"))) {
                video = s.sorted().findFirst().orElseThrow();
            }
        }
        Result p = cli("predict", "--run", run.toString(), video.toString(), dir.resolve("nope.mp4").toString(), "--json");
        assertEquals(1, p.code(), "a failed video makes the exit code 1: " + p.err());
        JsonNode j = JSON.readTree(p.out());
        assertEquals(1, j.get("predictions").size());
        JsonNode top = j.at("/predictions/0/top");
        assertEquals(2, top.size(), "top-5 of 2 classes is both");
        assertEquals(1.0, top.get(0).get("probability").asDouble() + top.get(1).get("probability").asDouble(), 1e-6);
        assertTrue(top.get(0).get("probability").asDouble() >= top.get(1).get("probability").asDouble());
        assertTrue(j.at("/failed/0/video").asText().endsWith("nope.mp4"));
        Result ok = cli("predict", "--run", run.toString(), video.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains(video.toString()), ok.out());

        // --views as eval's: the softmax averaged over 3 temporal clips x 2 crops, named in the JSON
        List<String> args = new ArrayList<>(List.of("predict", "--run", run.toString(), "--json"));
        try (var s = Files.list(bench.resolve("videos/bg-shift"))) {
            s.sorted().limit(12).forEach(v -> args.add(v.toString()));
        }
        Result one = cli(args.toArray(String[]::new));
        args.addAll(List.of("--views", "3x2"));
        Result many = cli(args.toArray(String[]::new));
        assertEquals(0, many.code(), many.err());
        JsonNode j1 = JSON.readTree(one.out());
        JsonNode jm = JSON.readTree(many.out());
        assertEquals("1x1", j1.get("views").asText());
        assertEquals("3x2", jm.get("views").asText());
        double largest = 0;
        for (int i = 0; i < jm.get("predictions").size(); i++) {
            JsonNode topMany = jm.at("/predictions/" + i + "/top");
            assertEquals(1.0, topMany.get(0).get("probability").asDouble() + topMany.get(1).get("probability").asDouble(),
                    1e-6);
            for (JsonNode r : topMany) { // relative: a trained model's top class is often 1.0 in every view
                double p1 = probabilityOf(j1.at("/predictions/" + i + "/top"), r.get("label").asText());
                double pm = r.get("probability").asDouble();
                largest = Math.max(largest, Math.abs(p1 - pm) / Math.max(p1, pm));
            }
        }
        assertTrue(largest > 1e-3, "six views of 12 videos must not all give the single view's probabilities: "
                + one.out() + many.out());
        Result bad = cli("predict", "--run", run.toString(), video.toString(), "--views", "0x3");
        assertTrue(bad.code() != 0 && !bad.err().contains("\tat "), bad.err());
    }

    private static double probabilityOf(JsonNode top, String label) {
        for (JsonNode r : top) {
            if (r.get("label").asText().equals(label)) {
                return r.get("probability").asDouble();
            }
        }
        throw new AssertionError(label + " not in " + top);
    }

    @Test
    @Order(5)
    void resumedRunEndsWithTheMetricsOfAnUninterruptedOne() throws Exception {
        resumes(run, dir.resolve("killed"));
        // The frozen stage 2 (head on cached features) resumes exactly too.
        Path frozen = dir.resolve("frozen");
        Result r = cli(train(frozen, "--stage2", "frozen"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("on frozen features"), r.err());
        for (String f : List.of("cache/train.npz", "cache/val.npz", "checkpoint/head-state.bin")) {
            assertTrue(Files.isRegularFile(frozen.resolve(f)), f + " missing");
        }
        resumes(frozen, dir.resolve("frozen-killed"), "--stage2", "frozen");
    }

    @Test
    @Order(5)
    void runKilledDuringStageOneResumesExactly() throws Exception {
        // Separate encoders, two stage-1 epochs each: killed after the first epoch of M_v.
        String[] common = {"train", "--data", annotations.toString(), "--config", "fcm-bcm", "--encoders", "separate",
            "--stage1-epochs", "2", "--epochs", "1", "--seed", "5"};
        Path whole = dir.resolve("s1-whole");
        Result a = cli(args(args(common, "--out", whole.toString()), PIPELINE));
        assertEquals(0, a.code(), a.err());
        Path killed = dir.resolve("s1-killed");
        Result k = cli(args(args(common, "--out", killed.toString(), "--stop-after-stage1-epoch", "1"), PIPELINE));
        assertEquals(0, k.code(), k.err());
        assertTrue(k.err().contains("stopped during stage 1"), k.err());
        assertTrue(Files.isRegularFile(killed.resolve("checkpoint/stage1-V.bin")));
        assertFalse(Files.exists(killed.resolve("encoders.params")), "stage 1 did not finish");
        Result r = cli(args(args(common, "--out", killed.toString(), "--resume"), PIPELINE));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming stage 1 after epoch 1 of 2"), r.err());
        assertEquals(JSON.readTree(whole.resolve("stage1.json").toFile()), JSON.readTree(killed.resolve("stage1.json").toFile()),
                "every stage-1 epoch of every stream as in the uninterrupted run");
        JsonNode x = JSON.readTree(whole.resolve("metrics.json").toFile());
        JsonNode y = JSON.readTree(killed.resolve("metrics.json").toFile());
        assertEquals(x.at("/history/0/loss").asDouble(), y.at("/history/0/loss").asDouble(), 0.0);
        assertEquals(x.get("val"), y.get("val"));
        assertEquals(x.get("train"), y.get("train"));
    }

    @Test
    @Order(5)
    void importedBackboneIsFineTunedInBothStagesWithFinetuneBackbone() throws Exception {
        Path model = Path.of("src/test/resources/fixtures/torchscript/tiny_video_backbone.pt").toAbsolutePath();
        Path tuned = dir.resolve("tuned");
        Result r = cli(args(new String[] {"train", "--data", annotations.toString(), "--out", tuned.toString(),
            "--config", "ecrl", "--backbone", "torchscript:" + model, "--finetune-backbone", "--stage1-epochs", "1",
            "--epochs", "2", "--global-entries", "8", "--lr", "3e-3", "--seed", "3"}, PIPELINE));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("stage 1") && r.err().contains("trained together"), r.err());
        JsonNode pipeline = JSON.readTree(tuned.resolve("pipeline.json").toFile());
        assertTrue(pipeline.get("trained").asBoolean() && pipeline.get("finetune").asBoolean(), pipeline.toString());
        // The run's val features (its fine-tuned encoder) differ from those of the backbone file as it is.
        Path frozen = dir.resolve("tuned-frozen-val.npz");
        Result x = cli(args(new String[] {"extract", "--data", annotations.toString(), "--split", "val",
            "--backbone", "torchscript:" + model, "--out", frozen.toString()}, PIPELINE));
        assertEquals(0, x.code(), x.err());
        FeatureSet mine = FeatureSet.load(tuned.resolve("cache/val.npz"));
        FeatureSet original = FeatureSet.load(frozen);
        assertEquals(original.count(), mine.count());
        float diff = 0;
        for (int i = 0; i < mine.stream(FeatureSet.VIDEO).length; i++) {
            diff = Math.max(diff, Math.abs(mine.stream(FeatureSet.VIDEO)[i] - original.stream(FeatureSet.VIDEO)[i]));
        }
        assertTrue(diff > 1e-4, "fine-tuning changed the backbone's features (max difference " + diff + ")");
        Result e = cli("eval", "--run", tuned.toString(), "--data", annotations.toString(), "--split", "val", "--json");
        assertEquals(0, e.code(), e.err());
    }

    private static void resumes(Path run, Path killed, String... extra) throws Exception {
        Result first = cli(train(killed, args(extra, "--stop-after-epoch", "1")));
        assertEquals(0, first.code(), first.err());
        assertFalse(Files.exists(killed.resolve("config.json")), "a killed run has no config.json");
        Result again = cli(train(killed, extra));
        assertEquals(1, again.code());
        assertTrue(again.err().contains("--resume"), again.err());
        Result other = cli(train(killed, args(extra, "--resume", "--weight-decay", "0.01")));
        assertEquals(1, other.code());
        assertTrue(other.err().contains("another configuration"), other.err());
        Result resumed = cli(train(killed, args(extra, "--resume")));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming"), resumed.err());
        JsonNode a = JSON.readTree(run.resolve("metrics.json").toFile());
        JsonNode b = JSON.readTree(killed.resolve("metrics.json").toFile());
        for (int e = 0; e < 3; e++) {
            assertEquals(a.at("/history/" + e + "/loss").asDouble(), b.at("/history/" + e + "/loss").asDouble(), 0.0);
            assertEquals(a.at("/history/" + e + "/valLoss").asDouble(), b.at("/history/" + e + "/valLoss").asDouble(), 0.0);
        }
        assertEquals(a.get("val"), b.get("val"));
        assertEquals(a.get("train"), b.get("train"));
    }

    @Test
    @Order(6)
    void badInputFailsCleanly() throws Exception {
        // An annotation with a label outside classes.txt.
        Path bad = bench.resolve("bad-label.csv");
        String csv = Files.readString(bench.resolve(BenchmarkWriter.ANNOTATIONS));
        String row = csv.lines().skip(1).findFirst().orElseThrow();
        String[] cols = row.split(",");
        cols[1] = "no-such-class";
        Files.writeString(bad, csv + String.join(",", cols) + "\n");
        Result r = cli(train(bad, dir.resolve("bad")));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no-such-class"), r.err());
        Result e = cli("eval", "--run", run.toString(), "--data", bad.toString(), "--split", "train");
        assertEquals(1, e.code());
        assertTrue(e.err().contains("no-such-class") && e.err().contains("run's"), e.err());

        // A feature file of the wrong width.
        Path wide = dir.resolve("wide.npz");
        new FeatureSet(new float[2 * 4 * 5], new float[2 * 4 * 5], new float[2 * 4 * 5], new long[] {0, 1}, 4, 5).save(wide);
        Result w = cli("eval", "--run", run.toString(), "--features", wide.toString());
        assertEquals(1, w.code());
        assertTrue(w.err().contains("d=5") && w.err().contains("d=64"), w.err());

        // A run folder from another configuration: trained on features, so it has no video pipeline.
        Path featuresRun = dir.resolve("features-run");
        assertEquals(0, cli("train", "--features", dir.resolve("train.npz").toString(), "--out", featuresRun.toString(),
                "--config", "base", "--epochs", "1").code());
        Result f = cli("eval", "--run", featuresRun.toString(), "--data", annotations.toString(), "--split", "val");
        assertEquals(1, f.code());
        assertTrue(f.err().contains("pipeline.json") && f.err().contains("--features"), f.err());
        Result p = cli("predict", "--run", featuresRun.toString(), dir.resolve("x.mp4").toString());
        assertEquals(1, p.code());
        // ...and a video run whose head was swapped for another configuration's.
        Files.copy(featuresRun.resolve("head.params"), run.resolve("head.params"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Result swapped = cli("eval", "--run", run.toString(), "--data", annotations.toString(), "--split", "val");
        assertEquals(1, swapped.code());
        assertTrue(swapped.err().contains("does not match configuration ecrl"), swapped.err());

        // Both or neither of --features and --data is bad usage.
        assertEquals(2, cli("train", "--out", dir.resolve("u").toString()).code());
        assertEquals(2, cli("eval", "--run", run.toString()).code());
    }
}
