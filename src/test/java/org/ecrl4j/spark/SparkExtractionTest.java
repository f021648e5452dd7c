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
        return rows(out, Rows.SCHEMA);
    }

    /** The rows of a job's folder by path. */
    static Map<String, Row> rows(Path out, org.apache.spark.sql.types.StructType schema) {
        SparkSession s = Sessions.open("local[1]", "test", 1, Map.of());
        try {
            Map<String, Row> byPath = new HashMap<>();
            for (Row r : s.read().schema(schema).parquet(out.toUri().toString()).collectAsList()) {
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
        assertTrue(r.out().contains("20 videos (2 skipped") && r.out().contains("in 4 partitions (0 already written, 4 computed)"),
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
        // what a killed task leaves: its temporary file (ignored, then deleted)
        Path stale = folder.resolve(".part-00000.parquet.1234.tmp");
        Files.copy(files.get(1), stale);
        Result r = cli(args(new String[] {"extract", "--data", annotations.toString(), "--out", folder.toString(),
            "--spark", "local[2]", "--spark-conf", "spark.ui.enabled=false"}, PIPELINE));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming: 20 videos in 4 partitions") && r.err().contains("2 already written,"
                + " computing 2"), r.err());
        assertTrue(r.out().contains("in 4 partitions (2 already written, 2 computed)"), r.out());
        assertTrue(!Files.exists(stale));
        assertSameFeatures(folder, npz);
        // Other settings in the same folder: refused, nothing touched.
        Result other = cli(args(new String[] {"extract", "--data", annotations.toString(), "--out",
            folder.toString(), "--spark", "local[2]", "--size", "24", "--frames", "4"}));
        assertEquals(1, other.code());
        assertTrue(other.err().contains("holds an extraction of other videos or settings; pass --overwrite"),
                other.err());
        assertSameFeatures(folder, npz);
    }

    /**
     * {@code --video-root testfs:///BENCH}: the executors read each video through Hadoop's FileSystem
     * at the root + its path relative to the annotations (a scheme of its own, registered by
     * {@code spark.hadoop.fs.testfs.impl}, as hdfs:// or s3a:// would be), from a local temporary
     * copy that is deleted after: the features equal the single-process ones read from the paths.
     */
    @Test
    @Order(5)
    void videosThroughHadoopFileSystemEqualSingleProcess() throws Exception {
        Path out = dir.resolve("through-hadoop");
        Path bench = annotations.getParent();
        int copiedBefore = VideoFiles.copied;
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long tempBefore;
        try (Stream<Path> l = Files.list(tmp)) {
            tempBefore = l.filter(p -> p.getFileName().toString().startsWith("ecrl4j-video-")).count();
        }
        Result r = cli(args(new String[] {"extract", "--data", annotations.toString(), "--out", out.toString(),
            "--spark", "local[2]", "--partitions", "3", "--video-root", "testfs://" + bench.toAbsolutePath(),
            "--spark-conf", "spark.hadoop.fs.testfs.impl=" + SchemeFileSystem.class.getName(),
            "--spark-conf", "spark.ui.enabled=false"}, PIPELINE));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("20 videos (2 skipped"), r.out());
        assertSameFeatures(out, npz);
        assertEquals(19, VideoFiles.copied - copiedBefore, "the 19 videos that exist were copied through testfs");
        Map<String, Row> rows = rows(out);
        String missing = "testfs://" + bench.toAbsolutePath() + "/videos/train/missing.mp4";
        Row m = rows.get(missing);
        assertEquals("skipped", m.getString(m.fieldIndex("status")), rows.keySet().toString());
        assertTrue(m.getString(m.fieldIndex("reason")).contains(missing), m.toString());
        Row c = rows.get("testfs://" + bench.toAbsolutePath() + "/corrupted.mp4");
        assertTrue(c.getString(c.fieldIndex("reason")).contains("testfs://"), "the reason names the URI: " + c);
        try (Stream<Path> l = Files.list(tmp)) {
            assertEquals(tempBefore, l.filter(p -> p.getFileName().toString().startsWith("ecrl4j-video-")).count(),
                    "the temporary copies are deleted");
        }
    }

    /** {@code eval --features FOLDER} reads the Parquet folder as it reads the .npz: the same metrics. */
    @Test
    @Order(6)
    void evalReadsTheParquetFolderAsTheNpz() throws Exception {
        Path run = dir.resolve("features-run");
        Result t = cli("train", "--features", npz.toString(), "--out", run.toString(), "--config", "base", "--epochs",
                "2", "--seed", "1");
        assertEquals(0, t.code(), t.err());
        Result a = cli("eval", "--run", run.toString(), "--features", npz.toString(), "--json");
        Result b = cli("eval", "--run", run.toString(), "--features", folder.toString(), "--name", "parquet", "--json");
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var x = json.readTree(a.out());
        var y = json.readTree(b.out());
        for (String key : List.of("acc1", "acc5", "mean_class_acc", "count", "confusion")) {
            assertEquals(x.get(key), y.get(key), key + ": " + y);
        }
        assertEquals(18, y.get("count").asInt());
    }

    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** The JVM flags of surefire's argLine (the --add-opens Spark needs) for a child JVM. */
    static List<String> javaCommand(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-Xmx1g", "-Dai.djl.offline=true"));
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static long parquetFiles(Path out) throws Exception {
        if (!Files.isDirectory(out)) {
            return 0;
        }
        try (Stream<Path> l = Files.list(out)) {
            return l.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
        }
    }

    /**
     * A real kill: the driver JVM is killed (SIGKILL) once a few partitions are committed; the rerun
     * computes exactly the partitions that were not, and the features are those of single-process.
     */
    @Test
    @Order(3)
    void killedJobResumesWithTheUnfinishedPartitionsOnly() throws Exception {
        Path out = dir.resolve("killed");
        ProcessBuilder pb = new ProcessBuilder(javaCommand("org.ecrl4j.cli.Main", args(new String[] {"extract",
            "--data", annotations.toString(), "--out", out.toString(), "--spark", "local[1]", "--partitions", "20",
            "--spark-conf", "spark.ui.enabled=false"}, PIPELINE)));
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + 240_000_000_000L;
        while (parquetFiles(out) < 3 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        p.destroyForcibly().waitFor();
        long written = parquetFiles(out);
        assertTrue(written >= 3 && written < 20, "killed after " + written + " of 20 partitions: "
                + Files.readString(dir.resolve("killed.log")));
        Result r = cli(args(new String[] {"extract", "--data", annotations.toString(), "--out", out.toString(),
            "--spark", "local[2]", "--spark-conf", "spark.ui.enabled=false"}, PIPELINE));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains(written + " already written, computing " + (20 - written)), written + ": " + r.err());
        assertEquals(20, parquetFiles(out));
        assertSameFeatures(out, npz);
    }

    /**
     * A Spark standalone master and one worker on 127.0.0.1, from the project's own Spark jars (the
     * test class path): the executor is another JVM, so the job's functions and rows are serialised.
     */
    @Test
    @Order(4)
    void standaloneClusterEqualsSingleProcess() throws Exception {
        Path home = dir.resolve("spark-home");
        Files.createDirectories(home.resolve("jars")); // the launcher's jars folder; the classes come below
        int port = freePort();
        List<Process> started = new ArrayList<>();
        int loadsBefore = ExecutorEncoders.loads;
        try {
            int ui = freePort();
            Process master = startDaemon(home, "master.log", javaCommand("org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(ui)));
            started.add(master);
            Process worker = startDaemon(home, "worker.log", javaCommand("org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--cores", "2", "--memory", "2g", "--webui-port",
                    Integer.toString(freePort()), "--work-dir", home.resolve("work").toString(),
                    "spark://127.0.0.1:" + port));
            started.add(worker);
            waitForAliveWorker(ui, home, master, worker);
            Path out = dir.resolve("standalone");
            Result r = cli(args(new String[] {"extract", "--data", annotations.toString(), "--out", out.toString(),
                "--spark", "spark://127.0.0.1:" + port, "--partitions", "3",
                "--spark-conf", "spark.executor.extraClassPath=" + System.getProperty("java.class.path"),
                "--spark-conf", "spark.driver.host=127.0.0.1", "--spark-conf", "spark.ui.enabled=false",
                "--spark-conf", "spark.executor.memory=1g"}, PIPELINE));
            assertEquals(0, r.code(), r.err() + Files.readString(home.resolve("worker.log")));
            assertTrue(r.out().contains("20 videos (2 skipped"), r.out());
            assertSameFeatures(out, npz);
            // The rows came from the executor JVM: its log names the partitions it extracted.
            String executorLogs;
            try (Stream<Path> w = Files.walk(home.resolve("work"))) {
                StringBuilder sb = new StringBuilder();
                for (Path f : w.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
                    sb.append(Files.readString(f));
                }
                executorLogs = sb.toString();
            }
            assertTrue(executorLogs.contains("partition 0: extracted"), executorLogs);
            assertEquals(loadsBefore, ExecutorEncoders.loads, "the driver JVM loaded no backbone; the executor did");
        } finally {
            java.util.Collections.reverse(started);
            for (Process p : started) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
        }
    }

    static Process startDaemon(Path home, String log, List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.redirectErrorStream(true).redirectOutput(home.resolve(log).toFile());
        return pb.start();
    }

    /** Polls the master's status page (JSON) until the worker has registered. */
    static void waitForAliveWorker(int uiPort, Path home, Process master, Process worker) throws Exception {
        long deadline = System.nanoTime() + 180_000_000_000L;
        String last = "";
        while (System.nanoTime() < deadline && master.isAlive() && worker.isAlive()) {
            try (java.io.InputStream in = java.net.URI.create("http://127.0.0.1:" + uiPort + "/json/").toURL()
                    .openStream()) {
                last = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (new com.fasterxml.jackson.databind.ObjectMapper().readTree(last).path("aliveworkers").asInt() >= 1) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // the master is still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no worker registered with the master (" + last + "):\n"
                + Files.readString(home.resolve("master.log")) + Files.readString(home.resolve("worker.log")));
    }

    static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
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
