package org.ecrl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.ecrl4j.cli.EcrlCommand;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.pipeline.ClusterJobs;
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
 * {@code extract --spark local[2]} against the single-process {@code extract} on a generated
 * benchmark with a corrupt and a missing video: equal features (the path is the key), skipped rows
 * with the reason, {@code train --features FOLDER}, and a rerun after lost partitions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkExtractionTest {
    @TempDir static Path dir;
    static Path annotations;
    static Path npz;
    static Path folder;
    static final String[] PIPELINE = {"--size", "16", "--frames", "4", "--saliency", "motion"};

    record Result(int code, String out, String err) {}

    static Result cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            var cl = EcrlCommand.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            code = cl.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(code, o.toString(StandardCharsets.UTF_8) + out, e.toString(StandardCharsets.UTF_8) + err);
    }

    static String[] args(String[] head, String... tail) {
        List<String> a = new ArrayList<>(List.of(head));
        a.addAll(List.of(tail));
        return a.toArray(new String[0]);
    }

    /** A benchmark of 2 classes (18 videos) plus a corrupt and a missing video. */
    @BeforeAll
    static void benchmark() throws Exception {
        Path bench = dir.resolve("bench");
        SynthConfig config = new SynthConfig(2, 2, 16, 16, 8, 0.9, 0.8, 11, VideoCodec.H264);
        BenchmarkWriter.Summary s = new BenchmarkWriter(new BenchmarkPlan(config), 2, null).write(bench, false);
        assertTrue(s.failures().isEmpty(), s.failures().toString());
        Files.copy(Path.of("src/test/resources/fixtures/videos/corrupted.mp4"), bench.resolve("corrupted.mp4"));
        String csv = Files.readString(bench.resolve(BenchmarkWriter.ANNOTATIONS));
        String label = csv.lines().skip(1).findFirst().orElseThrow().split(",")[1];
        annotations = bench.resolve("with-bad.csv");
        Files.writeString(annotations, csv + "corrupted.mp4," + label + ",train,x,y,0\n"
                + "videos/train/missing.mp4," + label + ",train,x,y,0\n");
        npz = dir.resolve("single.npz");
        Result r = cli(args(new String[] {"extract", "--data", annotations.toString(), "--out", npz.toString(),
            "--workers", "2"}, PIPELINE));
        assertEquals(0, r.code(), r.err());
        folder = dir.resolve("spark");
    }

    static Map<String, Row> rows(Path out) {
        SparkSession s = Sessions.open("local[1]", "test", 1, Map.of());
        try {
            Map<String, Row> byPath = new HashMap<>();
            for (Row r : s.read().schema(Rows.SCHEMA).parquet(out.toUri().toString()).collectAsList()) {
                byPath.put(r.getString(r.fieldIndex("path")), r);
            }
            return byPath;
        } finally {
            Sessions.close(s);
        }
    }

    /** The features of --spark local[2] equal the single-process extract's; bad videos are skipped rows. */
    @Test
    @Order(1)
    void localTwoEqualsSingleProcess() throws Exception {
        Result r = cli(args(new String[] {"extract", "--data", annotations.toString(), "--out", folder.toString(),
            "--spark", "local[2]", "--partitions", "4", "--spark-conf", "spark.ui.enabled=false"}, PIPELINE));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("20 videos (2 skipped") && r.out().contains("(0 already written, 4 computed)"),
                r.out());
        assertSameFeatures(folder, npz);
        Map<String, Row> rows = rows(folder);
        assertEquals(20, rows.size());
        Row corrupt = rows.get(dir.resolve("bench/corrupted.mp4").toAbsolutePath().toString());
        assertEquals("skipped", corrupt.getString(corrupt.fieldIndex("status")));
        assertTrue(corrupt.getString(corrupt.fieldIndex("reason")).contains("corrupted.mp4"), corrupt.toString());
        Row missing = rows.get(dir.resolve("bench/videos/train/missing.mp4").toAbsolutePath().toString());
        assertEquals("skipped", missing.getString(missing.fieldIndex("status")));
        assertTrue(missing.isNullAt(missing.fieldIndex("video")));
        assertEquals(18, rows.values().stream().filter(x -> x.getString(x.fieldIndex("status")).equals("ok")).count());
    }

    /** A rerun after a kill computes only the lost partitions, and the result is the same. */
    @Test
    @Order(2)
    void rerunComputesOnlyTheMissingPartitions() throws Exception {
        List<Path> files;
        try (Stream<Path> l = Files.list(folder)) {
            files = l.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
        assertEquals(4, files.size(), "one file per partition: " + files);
        Files.delete(files.get(0));
        Files.delete(files.get(2));
        // what a killed task leaves: an uncommitted file under _temporary (ignored, then deleted)
        Path stale = folder.resolve("_temporary/0/_temporary/attempt_1/part-99999-x.snappy.parquet");
        Files.createDirectories(stale.getParent());
        Files.copy(files.get(1), stale);
        Result r = cli(args(new String[] {"extract", "--data", annotations.toString(), "--out", folder.toString(),
            "--spark", "local[2]", "--spark-conf", "spark.ui.enabled=false"}, PIPELINE));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming: 20 videos in 4 partitions") && r.err().contains("2 already written,"
                + " computing 2"), r.err());
        assertTrue(r.out().contains("(2 already written, 2 computed)"), r.out());
        assertTrue(!Files.exists(folder.resolve("_temporary")));
        assertSameFeatures(folder, npz);
        // Other settings in the same folder: refused, nothing touched.
        Result other = cli(args(new String[] {"extract", "--data", annotations.toString(), "--out",
            folder.toString(), "--spark", "local[2]", "--size", "24", "--frames", "4"}));
        assertEquals(1, other.code());
        assertTrue(other.err().contains("holds an extraction of other videos or settings; pass --overwrite"),
                other.err());
        assertSameFeatures(folder, npz);
    }

    static void assertSameFeatures(Path parquet, Path npzFile) throws Exception {
        FeatureSet a = ClusterJobs.spark().readFeatures(parquet, Long.MAX_VALUE);
        FeatureSet b = FeatureSet.load(npzFile);
        assertEquals(b.count(), a.count());
        assertEquals(b.frames(), a.frames());
        assertEquals(b.width(), a.width());
        org.junit.jupiter.api.Assertions.assertArrayEquals(b.labels(), a.labels());
        for (String s : List.of(FeatureSet.VIDEO, FeatureSet.FOREGROUND, FeatureSet.BACKGROUND)) {
            float[] x = a.stream(s);
            float[] y = b.stream(s);
            assertEquals(y.length, x.length);
            for (int i = 0; i < x.length; i++) {
                if (Math.abs(x[i] - y[i]) > 1e-6) {
                    throw new AssertionError(s + "[" + i + "]: spark " + x[i] + " vs single-process " + y[i]);
                }
            }
        }
    }
}
