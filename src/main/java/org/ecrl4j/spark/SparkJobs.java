package org.ecrl4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.pipeline.ClusterJobs;
import org.ecrl4j.util.AtomicFiles;
import org.ecrl4j.util.OutputFolder;

/**
 * Feature extraction on Apache Spark (issue 13). The driver turns the annotations into items
 * (position, path, label, split, segment), deals them into P partitions by position modulo P (the
 * {@link org.ecrl4j.pipeline.DatasetMapper.Shard} rule), and runs one Spark task per partition
 * that is not yet written: {@link ExtractPartition} runs the single-process per-video pipeline
 * ({@link org.ecrl4j.pipeline.VideoFeatures#of}) through {@link
 * org.ecrl4j.pipeline.DatasetMapper} on its videos, with the backbone loaded once per executor JVM.
 * Each task writes its rows as one Parquet file and renames it into place when complete ({@link
 * PartitionFiles}), so a killed job leaves only whole partitions, and a rerun computes only the
 * partitions whose file is missing. The job itself uses Spark's core only (no Spark SQL, whose
 * start-up costs seconds); the reader uses Spark SQL.
 */
public final class SparkJobs implements ClusterJobs {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the marker file names as the folder's command. */
    static final String COMMAND = "extract --spark";
    /** The class list beside the rows (Spark ignores files whose name starts with _). */
    static final String CLASSES_FILE = "_classes.txt";

    static {
        quietLogs();
    }

    @Override
    public ExtractSummary extract(ExtractRequest r) throws IOException {
        long start = System.nanoTime();
        if (r.samples().isEmpty()) {
            throw new IllegalArgumentException("no video to extract");
        }
        Path out = r.out().toAbsolutePath();
        JsonNode job = JSON.readTree(JSON.writeValueAsString(describe(r))); // as read back from the file
        boolean same = sameJob(out, JOB_FILE, job, r.partitions(), r.overwrite(), "an extraction");
        OutputFolder folder = OutputFolder.open(out, COMMAND, r.overwrite() && !same, same, true);
        return inFolder(folder, () -> {
            Spec spec = Spec.of(r);
            Thread preload = Sessions.preload(r.master(), () -> ExecutorEncoders.get(spec));
            SparkSession spark = Sessions.open(r.master(), "ecrl4j extract", r.threads(), r.conf());
            try {
                System.err.printf(Locale.ROOT, "spark session up in %.1f s%n", (System.nanoTime() - start) / 1e9);
                Sessions.join(preload);
                JobRun run = runPartitions(spark, out, JOB_FILE, job, Rows.SCHEMA, same, r.partitions(), r.threads(),
                        r.samples(), r.classes(), r.remote(), new ExtractPartition(spec, out.toUri().toString()));
                return new ExtractSummary(run.partitions(), run.alreadyWritten(), run.computed(),
                        run.ok() + run.skipped().size(), run.skipped().size(), (System.nanoTime() - start) / 1e9);
            } finally {
                Sessions.close(spark);
            }
        });
    }

    /**
     * Runs {@code job} in {@code folder}; a failure keeps the partitions written (for the rerun).
     */
    private static <T> T inFolder(OutputFolder folder, java.util.concurrent.Callable<T> job) throws IOException {
        try {
            return folder.run(job, SparkJobs::hasParquet);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Whether {@code out} already holds this job (to resume); refuses a folder holding another job
     * unless {@code overwrite}, and one holding this job in other partitions.
     */
    private static boolean sameJob(Path out, String jobFile, JsonNode job, int partitions, boolean overwrite,
            String what) throws IOException {
        if (!Files.isRegularFile(out.resolve(jobFile))) {
            return false;
        }
        JsonNode old = readJobFile(out, jobFile);
        boolean same = old.path("job").equals(job);
        if (!same && !overwrite) {
            throw new IOException(out + " holds " + what + " of other videos or settings; pass --overwrite to"
                    + " replace it or choose another --out");
        }
        if (same && partitions > 0 && old.path("partitions").asInt() != partitions) {
            throw new IOException(out + " holds this job in " + old.path("partitions").asInt()
                    + " partitions, not " + partitions + "; rerun with --partitions "
                    + old.path("partitions").asInt() + " (or without it) to resume, or pass --overwrite");
        }
        return same;
    }

    /** What {@link #runPartitions} did. */
    record JobRun(int partitions, int alreadyWritten, int computed, long ok, List<String> skipped) {}

    /**
     * The part of every job that is the same: writes the job file (or, resuming, reads the number of
     * partitions from it), deals the videos into P partitions by position modulo P, and runs
     * {@code task} on each partition whose file is not written yet.
     */
    private static JobRun runPartitions(SparkSession spark, Path out, String jobFile, JsonNode job,
            org.apache.spark.sql.types.StructType schema, boolean resuming, int requested, int threads,
            List<VideoSample> samples, List<String> classes, RemoteVideos remote,
            org.apache.spark.api.java.function.Function<ArrayList<Item>, PartSummary> task) throws IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int partitions;
        if (resuming) {
            partitions = readJobFile(out, jobFile).path("partitions").asInt();
        } else {
            partitions = requested > 0 ? requested : Math.max(1, 4 * jsc.defaultParallelism() / Math.max(1, threads));
            partitions = Math.min(partitions, samples.size());
            ObjectNode file = JSON.createObjectNode();
            file.set("job", job);
            file.put("partitions", partitions);
            file.set("schema", JSON.readTree(schema.json()));
            AtomicFiles.writeString(out.resolve(jobFile), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(file) + "\n");
            AtomicFiles.writeString(out.resolve(CLASSES_FILE), String.join("\n", classes) + "\n");
        }
        String outUri = out.toUri().toString();
        TreeSet<Integer> done = PartitionFiles.written(outUri, true); // and the temporary files of killed tasks go
        Map<Integer, ArrayList<Item>> byPart = new LinkedHashMap<>();
        for (int i = 0; i < samples.size(); i++) {
            int part = i % partitions;
            if (!done.contains(part)) {
                byPart.computeIfAbsent(part, k -> new ArrayList<>()).add(Item.of(samples.get(i), i, part, classes,
                        remote));
            }
        }
        List<ArrayList<Item>> todo = new ArrayList<>(byPart.values());
        System.err.printf(Locale.ROOT, "%s%d videos in %d partitions on %s (spark.task.cpus=%d): %d already"
                + " written, computing %d%n", resuming ? "resuming: " : "", samples.size(), partitions,
                spark.sparkContext().master(), threads, done.size(), todo.size());
        long ok = 0;
        List<String> skipped = new ArrayList<>();
        long jobStart = System.nanoTime();
        if (!todo.isEmpty()) {
            for (PartSummary s : jsc.parallelize(todo, todo.size()).map(task).collect()) {
                ok += s.ok();
                skipped.addAll(s.skipped());
            }
        }
        if (!todo.isEmpty()) {
            System.err.printf(Locale.ROOT, "%d partitions computed in %.1f s%n", todo.size(),
                    (System.nanoTime() - jobStart) / 1e9);
        }
        for (String line : skipped) {
            System.err.println("skipped " + line);
        }
        int written = PartitionFiles.written(outUri, false).size();
        if (written != partitions) {
            throw new IllegalStateException(out + ": after the job " + written + " of " + partitions
                    + " partitions are written; rerun the command to finish them");
        }
        return new JobRun(partitions, done.size(), todo.size(), ok, skipped);
    }

    @Override
    public ScoreSummary score(ScoreRequest r) throws IOException {
        long start = System.nanoTime();
        if (r.samples().isEmpty()) {
            throw new IllegalArgumentException("no video to " + (r.evaluate() ? "evaluate" : "classify"));
        }
        Path out = r.out().toAbsolutePath();
        String runSha = runSha256(r.run());
        List<VideoSample> samples = new ArrayList<>(r.samples().size());
        for (VideoSample s : r.samples()) { // the row's split is the one the metrics are keyed by
            samples.add(new VideoSample(s.path(), s.label(),
                    r.evaluate() ? org.ecrl4j.data.DatasetReaders.normalizeSplit(s.split()) : "", s.segment(), Map.of()));
        }
        ObjectNode describe = JSON.createObjectNode();
        describe.put("kind", r.evaluate() ? "eval" : "predict");
        describe.put("run", r.run().toAbsolutePath().normalize().toString());
        describe.put("run_sha256", runSha);
        describe.put("top", r.top());
        ArrayNode classes = describe.putArray("classes");
        r.classes().forEach(classes::add);
        describe.put("videos", samples.size());
        describe.put("videos_sha256", videosSha256(samples));
        JsonNode job = JSON.readTree(JSON.writeValueAsString(describe));
        String command = r.evaluate() ? "eval --spark" : "predict --spark";
        boolean same = sameJob(out, PREDICTIONS_JOB_FILE, job, r.partitions(), r.overwrite(), "a predictions job");
        OutputFolder folder = OutputFolder.open(out, command, r.overwrite() && !same, same, true);
        boolean staticVersions = r.evaluate() && org.ecrl4j.eval.BiasMetrics.applicable(new java.util.HashSet<>(r.splits()));
        return inFolder(folder, () -> {
            ScorePartition.Spec spec = new ScorePartition.Spec(r.run().toAbsolutePath().normalize().toString(),
                    runSha, r.evaluate(), r.top(), staticVersions, new ArrayList<>(r.classes()),
                    Math.max(1, r.threads()));
            Thread preload = Sessions.preload(r.master(), () -> ExecutorRuns.get(spec.run(), spec.runSha256()));
            SparkSession spark = Sessions.open(r.master(), "ecrl4j " + command, r.threads(), r.conf());
            try {
                Sessions.join(preload);
                JobRun run = runPartitions(spark, out, PREDICTIONS_JOB_FILE, job, PredictionRows.SPARK_SCHEMA, same,
                        r.partitions(), r.threads(), samples, r.classes(), r.remote(),
                        new ScorePartition(spec, out.toUri().toString()));
                Dataset<Row> rows = spark.read().schema(PredictionRows.SPARK_SCHEMA).parquet(out.toUri().toString());
                List<String> skipped = new ArrayList<>();
                for (Row x : rows.filter(functions.col("status").equalTo(Rows.SKIPPED)).orderBy("position")
                        .select("path", "reason").collectAsList()) {
                    skipped.add(x.getString(0) + ": " + x.getString(1));
                }
                long videos = rows.count();
                Map<String, Object> metrics = null;
                if (r.evaluate()) {
                    metrics = ScoreMetrics.of(rows, r, samples, skipped);
                    AtomicFiles.writeString(out.resolve(METRICS_FILE),
                            JSON.writerWithDefaultPrettyPrinter().writeValueAsString(metrics) + "\n");
                }
                return new ScoreSummary(metrics, run.partitions(), run.alreadyWritten(), run.computed(), videos,
                        skipped.size(), skipped, (System.nanoTime() - start) / 1e9);
            } finally {
                Sessions.close(spark);
            }
        });
    }

    @Override
    public AutoCloseable session(String master, int threads, Map<String, String> conf) {
        Sessions.hold(Sessions.open(master, "ecrl4j", threads, conf));
        return Sessions::release;
    }

    /** The files of a run folder that make its predictions (not the eval results written into it). */
    static final List<String> RUN_FILES = List.of("config.json", "pipeline.json", "head.params", "dictionary.npz",
            "encoders.params", "encoder.tvn");

    static String runSha256(Path run) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String f : RUN_FILES) {
                Path p = run.resolve(f);
                if (Files.isRegularFile(p)) {
                    sha.update((f + "\n").getBytes(StandardCharsets.UTF_8));
                    try (java.io.InputStream in = Files.newInputStream(p)) {
                        byte[] buf = new byte[1 << 16];
                        for (int n; (n = in.read(buf)) > 0;) {
                            sha.update(buf, 0, n);
                        }
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public FeatureSet readFeatures(Path folder, long maxArrayBytes) throws IOException {
        JsonNode file = readJobFile(folder);
        int partitions = file.path("partitions").asInt();
        SparkSession spark = Sessions.open(Sessions.LOCAL_READER, "ecrl4j read features", 1, Map.of());
        try {
            int written = PartitionFiles.written(folder.toAbsolutePath().toUri().toString(), false).size();
            if (written < partitions) {
                throw new IOException(folder + " is incomplete: " + written + " of " + partitions + " partitions are"
                        + " written; rerun the `ecrl4j extract --spark` that wrote it to finish it");
            }
            Dataset<Row> ok = spark.read().schema(Rows.SCHEMA).parquet(folder.toAbsolutePath().toUri().toString())
                    .filter(functions.col("status").equalTo(Rows.OK));
            // The keys first (small); then the arrays, streamed partition by partition into place.
            List<Row> keys = ok.select("position", "label_index", "frames", "width").collectAsList();
            TreeSet<Integer> positions = new TreeSet<>();
            Map<Integer, Integer> labels = new HashMap<>();
            int frames = -1;
            int width = -1;
            for (Row k : keys) {
                positions.add(k.getInt(0));
                labels.put(k.getInt(0), k.getInt(1));
                if (frames < 0) {
                    frames = k.getInt(2);
                    width = k.getInt(3);
                } else if (frames != k.getInt(2) || width != k.getInt(3)) {
                    throw new IOException(folder + ": rows of (T=" + frames + ", d=" + width + ") and (T="
                            + k.getInt(2) + ", d=" + k.getInt(3) + ") are mixed; extract the folder again");
                }
            }
            if (positions.isEmpty()) {
                throw new IOException(folder + " has no video of status ok (all skipped); see its rows' reasons");
            }
            int n = positions.size();
            int per = frames * width;
            long bytes = (long) n * per * Float.BYTES;
            if (bytes > maxArrayBytes || (long) n * per > Integer.MAX_VALUE - 8) {
                throw new IOException(folder + ": each stream of " + n + " videos x T=" + frames + " x d=" + width
                        + " is " + bytes + " bytes, above the limit of " + maxArrayBytes + " bytes; raise"
                        + " --max-array-bytes and the heap (-Xmx, ECRL4J_JAVA_OPTS), or train on a subset");
            }
            Map<Integer, Integer> index = new HashMap<>();
            long[] label = new long[n];
            int i = 0;
            for (int p : positions) {
                label[i] = labels.get(p);
                index.put(p, i++);
            }
            float[][] streams = {new float[n * per], new float[n * per], new float[n * per]};
            boolean[] filled = new boolean[n];
            Iterator<Row> it = ok.select("position", Rows.VIDEO, Rows.FOREGROUND, Rows.BACKGROUND).toLocalIterator();
            while (it.hasNext()) {
                Row row = it.next();
                int at = index.get(row.getInt(0));
                if (filled[at]) {
                    continue; // a partition written twice (a retried task): the position is the key
                }
                filled[at] = true;
                for (int s = 0; s < 3; s++) {
                    List<Float> values = row.getList(1 + s);
                    if (values.size() != per) {
                        throw new IOException(folder + ": video at position " + row.getInt(0) + " has "
                                + values.size() + " values in a stream, expected " + per);
                    }
                    float[] dst = streams[s];
                    int base = at * per;
                    for (int j = 0; j < per; j++) {
                        dst[base + j] = values.get(j);
                    }
                }
            }
            return new FeatureSet(streams[0], streams[1], streams[2], label, frames, width);
        } finally {
            Sessions.close(spark);
        }
    }

    static boolean hasParquet(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")
                    && !p.getFileName().toString().startsWith("."));
        } catch (IOException e) {
            return false;
        }
    }

    static JsonNode readJobFile(Path folder) throws IOException {
        return readJobFile(folder, JOB_FILE);
    }

    static JsonNode readJobFile(Path folder, String jobFile) throws IOException {
        try {
            return JSON.readTree(folder.resolve(jobFile).toFile());
        } catch (IOException e) {
            throw new IOException(folder.resolve(jobFile) + " cannot be read (" + e.getMessage() + "); run the"
                    + " command again with --overwrite", e);
        }
    }

    /** What makes two runs the same job: the settings, the classes and the videos (hashed). */
    static ObjectNode describe(ExtractRequest r) {
        ObjectNode job = JSON.createObjectNode();
        job.put("backbone", r.backbone());
        job.put("seed", r.seed());
        job.put("frames", r.settings().frames());
        job.put("size", r.settings().size());
        job.put("split", r.settings().split().toString());
        job.put("saliency", r.saliency());
        ArrayNode classes = job.putArray("classes");
        r.classes().forEach(classes::add);
        job.put("videos", r.samples().size());
        job.put("videos_sha256", videosSha256(r.samples()));
        return job;
    }

    /**
     * A hash of the video list: each video's path relative to the folder that holds them all (so a
     * dataset moved or mounted elsewhere still resumes), label, split and segment.
     */
    static String videosSha256(List<VideoSample> samples) {
        Path root = commonFolder(samples);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (VideoSample s : samples) {
                Path p = s.path().toAbsolutePath().normalize();
                sha.update(((root == null ? p : root.relativize(p)) + "\t" + s.label() + "\t" + s.split() + "\t"
                        + s.segment() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The deepest folder that holds every video (null when there is none but the file system's root). */
    static Path commonFolder(List<VideoSample> samples) {
        Path root = null;
        for (VideoSample s : samples) {
            Path dir = s.path().toAbsolutePath().normalize().getParent();
            if (root == null) {
                root = dir;
            }
            while (root != null && (dir == null || !dir.startsWith(root))) {
                root = root.getParent();
            }
            if (root == null) {
                return null;
            }
        }
        return root;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    /**
     * Spark, Hadoop, Jetty and Parquet log warnings only (slf4j-simple), unless set otherwise; the
     * two warnings every local run gives (no native Hadoop library, the host name resolving to the
     * loopback address) not at all.
     */
    static void quietLogs() {
        for (String logger : Arrays.asList("org.apache.hadoop.util.NativeCodeLoader", "org.apache.spark.util.Utils")) {
            System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log." + logger, "error");
        }
        for (String logger : Arrays.asList("org.apache.spark", "org.apache.hadoop", "org.sparkproject", "org.apache.parquet",
                "io.netty", "org.apache.zookeeper", "org.apache.commons")) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }

    /** One video as the driver hands it to a task: no bytes, only where it is. */
    record Item(int position, int part, String path, boolean remote, String label, int labelIndex, String split,
            double segmentStart, double segmentEnd) implements Serializable {
        /** The item of {@code s}; {@code remote} non-null: its path is the URI there. */
        static Item of(VideoSample s, int position, int part, List<String> classes, RemoteVideos remote) {
            return new Item(position, part, remote == null ? s.path().toAbsolutePath().toString()
                    : remote.uri(s.path()), remote != null, s.label(),
                    org.ecrl4j.data.DatasetReaders.classIndex(s.label(), classes), s.split(),
                    s.segment() == null ? -1 : s.segment().startSeconds(),
                    s.segment() == null ? -1 : s.segment().endSeconds());
        }

        /** The video read from {@code file} (its local copy). */
        VideoSample sample(Path file) {
            return new VideoSample(file, label, split,
                    segmentStart < 0 ? null : new VideoSample.Segment(segmentStart, segmentEnd), Map.of());
        }

        VideoSample sample() {
            return new VideoSample(Path.of(path), label, split,
                    segmentStart < 0 ? null : new VideoSample.Segment(segmentStart, segmentEnd), Map.of());
        }
    }

    /** What a task needs to rebuild the pipeline on an executor. */
    record Spec(String backbone, long seed, int frames, int size, int backgroundThreshold, int foregroundThreshold,
            String crop, boolean foregroundMask, int fallbackBorder, String saliency, ArrayList<String> classes,
            int threads) implements Serializable {
        static Spec of(ExtractRequest r) {
            var s = r.settings().split();
            return new Spec(r.backbone(), r.seed(), r.settings().frames(), r.settings().size(),
                    s.backgroundThreshold(), s.foregroundThreshold(), s.crop().name(), s.foregroundMask(),
                    s.fallbackBorder(), r.saliency(), new ArrayList<>(r.classes()), Math.max(1, r.threads()));
        }

        org.ecrl4j.pipeline.VideoFeatures.Settings settings() {
            return new org.ecrl4j.pipeline.VideoFeatures.Settings(frames, size, new org.ecrl4j.saliency.SplitOptions(
                    backgroundThreshold, foregroundThreshold, org.ecrl4j.saliency.CropMode.valueOf(crop),
                    foregroundMask, fallbackBorder));
        }
    }
}
