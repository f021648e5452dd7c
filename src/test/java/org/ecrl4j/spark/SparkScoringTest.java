package org.ecrl4j.spark;

import static org.ecrl4j.spark.SparkExtractionTest.args;
import static org.ecrl4j.spark.SparkExtractionTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.ecrl4j.spark.SparkExtractionTest.Result;
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
 * {@code eval --spark local[2]} and {@code predict --spark local[2]} against the single-process
 * {@code eval --data} and {@code predict} of the same run on the same videos (a generated benchmark
 * with its four test splits, so the bias metrics too, plus a corrupt video): equal metrics, equal
 * top classes and probabilities, a skipped row for the corrupt video, and a resumed rerun.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkScoringTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path dir;
    static Path annotations;
    static Path run;
    static Path corrupt;

    @BeforeAll
    static void trainedRun() throws Exception {
        Path bench = dir.resolve("bench");
        SynthConfig config = new SynthConfig(2, 2, 16, 16, 8, 0.9, 0.8, 11, VideoCodec.H264);
        BenchmarkWriter.Summary s = new BenchmarkWriter(new BenchmarkPlan(config), 2, null).write(bench, false);
        assertTrue(s.failures().isEmpty(), s.failures().toString());
        corrupt = bench.resolve("corrupted.mp4");
        Files.copy(Path.of("src/test/resources/fixtures/videos/corrupted.mp4"), corrupt);
        String csv = Files.readString(bench.resolve(BenchmarkWriter.ANNOTATIONS));
        List<String> lines = csv.lines().toList();
        String iid = lines.stream().filter(l -> l.split(",")[2].equals("iid")).findFirst().orElseThrow();
        // the corrupt video in split iid, with an iid row's other columns
        annotations = bench.resolve("with-corrupt.csv");
        Files.writeString(annotations, csv + "corrupted.mp4" + iid.substring(iid.indexOf(',')) + "\n");
        run = dir.resolve("run");
        Result r = cli("train", "--data", bench.resolve(BenchmarkWriter.ANNOTATIONS).toString(), "--out", run.toString(),
                "--config", "ecrl", "--stage1-epochs", "1", "--epochs", "2", "--global-entries", "8", "--seed", "3",
                "--size", "16", "--frames", "4", "--workers", "2");
        assertEquals(0, r.code(), r.err());
    }

    static Map<String, Row> rows(Path out) {
        return SparkExtractionTest.rows(out, PredictionRows.SPARK_SCHEMA);
    }

    static void assertSameMetrics(JsonNode single, JsonNode spark) {
        assertEquals(single.get("splits").size(), spark.get("splits").size(), spark.toString());
        single.get("splits").fields().forEachRemaining(e -> {
            JsonNode o = spark.get("splits").get(e.getKey());
            for (String key : List.of("acc1", "acc5", "mean_class_acc", "top_k", "count", "confusion", "skipped")) {
                assertEquals(e.getValue().get(key), o.get(key), e.getKey() + " " + key + ": " + spark);
            }
        });
        assertTrue(single.has("bias"), "the benchmark's four test splits give the bias metrics: " + single);
        assertEquals(single.get("bias"), spark.get("bias"));
        assertEquals(new TreeSet<>(JSON.convertValue(single.get("skipped_videos"), List.class)),
                new TreeSet<>(JSON.convertValue(spark.get("skipped_videos"), List.class)));
        assertEquals(single.get("chance"), spark.get("chance"));
    }

    /** eval --spark equals eval --data: per-split metrics, confusion, bias metrics, skipped videos. */
    @Test
    @Order(1)
    void evalOnSparkEqualsSingleProcess() throws Exception {
        Result single = cli("eval", "--run", run.toString(), "--data", annotations.toString(), "--workers", "2",
                "--json");
        assertEquals(0, single.code(), single.err());
        Path out = dir.resolve("eval-predictions");
        Result spark = cli("eval", "--run", run.toString(), "--data", annotations.toString(), "--spark", "local[2]",
                "--partitions", "3", "--out", out.toString(), "--name", "spark", "--json",
                "--spark-conf", "spark.ui.enabled=false");
        assertEquals(0, spark.code(), spark.err());
        JsonNode a = JSON.readTree(single.out());
        JsonNode b = JSON.readTree(spark.out());
        assertEquals(1, a.get("skipped_videos").size(), a.toString());
        assertSameMetrics(a, b);
        assertEquals(b, JSON.readTree(run.resolve("eval-spark.json").toFile()));
        JsonNode metricsFile = JSON.readTree(out.resolve("_metrics.json").toFile());
        assertSameMetrics(a, metricsFile);
        Map<String, Row> rows = rows(out);
        Row bad = rows.get(corrupt.toAbsolutePath().toString());
        assertEquals("skipped", bad.getString(bad.fieldIndex("status")));
        assertTrue(bad.getString(bad.fieldIndex("reason")).contains("corrupted.mp4"), bad.toString());
        assertTrue(bad.isNullAt(bad.fieldIndex("top_classes")));
        long ok = rows.values().stream().filter(x -> x.getString(x.fieldIndex("status")).equals("ok")).count();
        int count = 0;
        for (JsonNode split : a.get("splits")) {
            count += split.get("count").asInt();
        }
        assertEquals(count, ok);
        // the static versions of the bg-shift videos (the contrasted accuracy), and only of those
        for (Row x : rows.values()) {
            boolean shifted = x.getString(x.fieldIndex("status")).equals("ok")
                    && x.getString(x.fieldIndex("split")).equals("bg-shift");
            assertEquals(shifted, x.getInt(x.fieldIndex("static_prediction")) >= 0, x.toString());
        }
    }

    /**
     * A rerun after lost partitions computes only those and gives the same metrics; another run
     * or other videos in the folder are refused.
     */
    @Test
    @Order(2)
    void evalResumesTheMissingPartitions() throws Exception {
        Path out = dir.resolve("eval-predictions");
        JsonNode before = JSON.readTree(out.resolve("_metrics.json").toFile());
        List<Path> parts;
        try (Stream<Path> l = Files.list(out)) {
            parts = l.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
        assertEquals(3, parts.size());
        Files.delete(parts.get(1));
        Result r = cli("eval", "--run", run.toString(), "--data", annotations.toString(), "--spark", "local[2]",
                "--out", out.toString(), "--name", "spark", "--json", "--spark-conf", "spark.ui.enabled=false");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming:") && r.err().contains("2 already written, computing 1"), r.err());
        assertSameMetrics(before, JSON.readTree(r.out()));
        Result other = cli("eval", "--run", run.toString(), "--data", annotations.toString(), "--split", "iid",
                "--spark", "local[2]", "--out", out.toString());
        assertEquals(1, other.code());
        assertTrue(other.err().contains("holds a predictions job of other videos or settings; pass --overwrite"),
                other.err());
    }

    /** predict --spark gives the top classes and probabilities of predict; a corrupt video is a skipped row. */
    @Test
    @Order(3)
    void predictOnSparkEqualsSingleProcess() throws Exception {
        Path videos = annotations.getParent().resolve("videos");
        List<String> files = new ArrayList<>();
        try (Stream<Path> w = Files.walk(videos)) {
            w.filter(p -> p.toString().endsWith(".mp4")).sorted().limit(6).forEach(p -> files.add(p.toString()));
        }
        files.add(corrupt.toString());
        Result single = cli(args(new String[] {"predict", "--run", run.toString(), "--json", "--workers", "2"},
                files.toArray(new String[0])));
        assertEquals(1, single.code(), "a video failed: " + single.err());
        Path out = dir.resolve("predict");
        Result spark = cli(args(new String[] {"predict", "--run", run.toString(), "--spark", "local[2]", "--out",
            out.toString(), "--top", "2", "--json", "--spark-conf", "spark.ui.enabled=false"},
                files.toArray(new String[0])));
        assertEquals(1, spark.code(), spark.err());
        assertEquals(1, JSON.readTree(spark.out()).get("skipped").asInt(), spark.out());
        Map<String, Row> rows = rows(out);
        assertEquals(7, rows.size());
        JsonNode predictions = JSON.readTree(single.out()).get("predictions");
        assertEquals(6, predictions.size());
        for (JsonNode p : predictions) {
            Row x = rows.get(Path.of(p.get("video").asText()).toAbsolutePath().normalize().toString());
            assertEquals("ok", x.getString(x.fieldIndex("status")), x.toString());
            List<String> classes = x.getList(x.fieldIndex("top_classes"));
            List<Double> probabilities = x.getList(x.fieldIndex("top_probabilities"));
            assertEquals(2, classes.size()); // --top 2 of the 2 classes
            for (int j = 0; j < classes.size(); j++) {
                assertEquals(p.get("top").get(j).get("label").asText(), classes.get(j));
                assertEquals(p.get("top").get(j).get("probability").asDouble(), probabilities.get(j), 1e-6);
            }
        }
        Row bad = rows.get(corrupt.toAbsolutePath().toString());
        assertEquals("skipped", bad.getString(bad.fieldIndex("status")));
        assertEquals(-1, bad.getInt(bad.fieldIndex("prediction")));
    }
}
