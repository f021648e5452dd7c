package org.ecrl4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.nn.backbone.BackboneSpec;
import org.ecrl4j.nn.backbone.ClipShape;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.VideoEncoder;
import org.ecrl4j.pipeline.ClusterJobs;
import org.ecrl4j.pipeline.VideoFeatures;

/**
 * {@code bench extract --spark local[N]}: Spark's overhead on extraction, measured in one JVM in
 * alternating rounds against the single-process {@code extract --workers N} (the same videos, the
 * same libtorch threads, both writing their output: the .npz, the Parquet folder). The Spark side
 * runs with its session already up (the steady state of a long job or a cluster); the session's
 * start is timed apart, once, and added for the end-to-end figure. A fresh JVM per run (Spark's
 * and the JIT's start counted) is bench/spark-extract.sh.
 */
final class SparkExtractBench {
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+)]");

    private SparkExtractBench() {}

    static int run(String master, Integer partitions, List<VideoSample> samples, List<String> classes, String backbone,
            long seed, VideoFeatures.Settings settings, String saliency, int threads, int rounds, boolean json,
            PrintWriter out, PrintWriter err) throws Exception {
        Matcher m = LOCAL.matcher(master);
        if (!m.matches()) {
            throw new IllegalArgumentException("bench extract --spark compares with one process on this machine: give"
                    + " local[N] (N cores for both sides), not " + master);
        }
        int workers = Integer.parseInt(m.group(1));
        ClusterJobs jobs = ClusterJobs.spark();
        Path work = Files.createTempDirectory("ecrl4j-bench-spark");
        try (NDManager manager = NDManager.newBaseManager()) {
            Encoders encoders = Encoders.create(BackboneSpec.parse(backbone), EncoderSharing.SHARED, manager,
                    new ClipShape(settings.frames(), settings.size(), settings.size()), false, seed);
            for (VideoEncoder e : encoders.distinct()) {
                e.setTrainable(false);
            }
            Map<String, String> conf = Map.of("spark.ui.enabled", "false");
            long t0 = System.nanoTime();
            double sessionStart;
            double[] single = new double[rounds];
            double[] spark = new double[rounds];
            long videos = 0;
            try (AutoCloseable session = jobs.session(master, threads, conf)) {
                sessionStart = (System.nanoTime() - t0) / 1e9;
                err.printf(Locale.ROOT, "spark session on %s up in %.1f s; warming up both sides (untimed)%n", master,
                        sessionStart);
                err.flush();
                ClusterJobs.ExtractRequest request = new ClusterJobs.ExtractRequest(master, samples, classes, backbone,
                        seed, settings, saliency, threads, partitions == null ? 0 : partitions,
                        work.resolve("features"), true, conf, null);
                Runnable singleRound = () -> {
                    VideoFeatures.Result r = VideoFeatures.extractAll(samples, classes, encoders, manager, saliency,
                            settings, workers, line -> { });
                    try {
                        r.features().save(work.resolve("single.npz"));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                };
                singleRound.run();
                videos = jobs.extract(request).videos();
                for (int r = 0; r < rounds; r++) {
                    for (int side = 0; side < 2; side++) {
                        boolean sparkSide = (side == 0) == (r % 2 == 1); // single first in odd rounds, Spark in even
                        deleteTree(work.resolve("features"));
                        long s0 = System.nanoTime();
                        if (sparkSide) {
                            jobs.extract(request);
                            spark[r] = samples.size() / ((System.nanoTime() - s0) / 1e9);
                        } else {
                            singleRound.run();
                            single[r] = samples.size() / ((System.nanoTime() - s0) / 1e9);
                        }
                    }
                    err.printf(Locale.ROOT, "round %d: single %.3f videos/s, spark %.3f videos/s (load %s)%n", r + 1,
                            single[r], spark[r], load());
                    err.flush();
                }
            }
            double singleRate = mean(single);
            double sparkRate = mean(spark);
            double singleSeconds = samples.size() / singleRate;
            double endToEnd = samples.size() / (samples.size() / sparkRate + sessionStart);
            if (json) {
                ObjectMapper om = new ObjectMapper();
                ObjectNode o = om.createObjectNode();
                o.put("single_videos_per_s", singleRate);
                o.put("spark_videos_per_s", sparkRate);
                o.put("ratio", sparkRate / singleRate);
                o.put("overhead", 1 - sparkRate / singleRate);
                o.put("spark_session_start_s", sessionStart);
                o.put("spark_end_to_end_videos_per_s", endToEnd);
                o.put("end_to_end_ratio", endToEnd / singleRate);
                o.put("end_to_end_overhead", 1 - endToEnd / singleRate);
                o.put("videos", samples.size());
                o.put("rows", videos);
                o.put("rounds", rounds);
                o.put("master", master);
                o.put("workers", workers);
                o.put("threads", threads);
                o.put("backbone", backbone);
                o.put("frames", settings.frames());
                o.put("size", settings.size());
                o.put("saliency", saliency);
                ArrayNode a = o.putArray("single_rounds");
                Arrays.stream(single).forEach(a::add);
                ArrayNode b = o.putArray("spark_rounds");
                Arrays.stream(spark).forEach(b::add);
                o.put("load_average", load());
                out.println(om.writeValueAsString(o));
            } else {
                out.printf(Locale.ROOT, "%d videos, T=%d, %dx%d, %s, %d libtorch threads, mean of %d rounds%n",
                        samples.size(), settings.frames(), settings.size(), settings.size(), backbone, threads, rounds);
                out.printf(Locale.ROOT, "single process (--workers %d): %.3f videos/s (%.1f s)%n", workers, singleRate,
                        singleSeconds);
                out.printf(Locale.ROOT, "spark %s, session up:    %.3f videos/s, overhead %.1f%%%n", master, sparkRate,
                        100 * (1 - sparkRate / singleRate));
                out.printf(Locale.ROOT, "spark %s, + session start %.1f s: %.3f videos/s, overhead %.1f%%%n", master,
                        sessionStart, endToEnd, 100 * (1 - endToEnd / singleRate));
            }
            out.flush();
        } finally {
            deleteTree(work);
        }
        return 0;
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    private static double mean(double[] rates) {
        // the mean rate over the rounds: total videos over total time
        double seconds = 0;
        for (double r : rates) {
            seconds += 1 / r;
        }
        return rates.length / seconds;
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
