package org.ecrl4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.pipeline.ClusterJobs;
import org.ecrl4j.pipeline.VideoFeatures;
import picocli.CommandLine.Option;

/** {@code --spark MASTER}, {@code --partitions}, {@code --spark-conf}: the options of a job on Apache Spark. */
public final class SparkOptions {
    @Option(names = "--spark", paramLabel = "MASTER",
            description = "run on Apache Spark: local[N], spark://HOST:7077, yarn or k8s://HOST:PORT; --out is then a"
                    + " Parquet folder, and a rerun resumes it (README, 'On a cluster')")
    String master;

    @Option(names = "--partitions", paramLabel = "P",
            description = "with --spark: Spark partitions (default: 4 per core of the cluster)")
    Integer partitions;

    @Option(names = "--spark-conf", paramLabel = "KEY=VALUE",
            description = "with --spark: a Spark setting (repeatable), e.g. spark.executor.memory=6g")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--video-root", paramLabel = "URI",
            description = "with --spark: the executors read each video at URI/<its path relative to the annotations'"
                    + " folder> through Hadoop's FileSystem (hdfs://, s3a://, file://...; docs/SPARK.md)")
    String videoRoot;

    /**
     * {@code --video-root}: the videos at URI + their path relative to {@code base} (null without it).
     *
     * @param base the folder the annotations' paths are relative to
     */
    ClusterJobs.RemoteVideos remote(Path base) {
        return videoRoot == null ? null : new ClusterJobs.RemoteVideos(base, videoRoot);
    }

    /** The folder an annotation file's (or a dataset folder's) video paths are relative to. */
    static Path baseOf(Path data) {
        Path d = data.toAbsolutePath().normalize();
        return java.nio.file.Files.isDirectory(d) ? d : d.getParent();
    }

    /** Whether the command runs on Spark. */
    boolean enabled() {
        return master != null;
    }

    /** Refuses the Spark options without --spark. */
    void requireMasterForOptions() {
        if (master == null && (partitions != null || !conf.isEmpty() || videoRoot != null)) {
            throw new IllegalArgumentException("--partitions, --spark-conf and --video-root apply to --spark MASTER only");
        }
    }

    /**
     * Runs {@code eval --spark} or {@code predict --spark}: the per-video predictions as the Parquet
     * folder {@code out} (resumed when it holds the same job), and for eval the metrics.
     */
    ClusterJobs.ScoreSummary score(Path base, java.nio.file.Path run, boolean evaluate, List<VideoSample> samples,
            List<String> splits, List<VideoSample> all, List<String> classes, Map<String, Object> header, int top,
            int threads, Path out, boolean overwrite) throws java.io.IOException {
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
        }
        if (out == null) {
            throw new IllegalArgumentException("--spark needs --out FOLDER: the Parquet folder of the predictions");
        }
        ClusterJobs jobs = ClusterJobs.spark();
        ClusterJobs.ScoreSummary s = jobs.score(new ClusterJobs.ScoreRequest(master, run, evaluate, samples, splits,
                all, classes, header, top, threads, partitions == null ? 0 : partitions, out, overwrite, conf,
                remote(base)));
        System.err.printf(Locale.ROOT, "wrote %s: %d videos (%d skipped: rows of status"
                + " 'skipped' with the reason) in %d partitions (%d already written, %d computed) in %.1f s%n", out,
                s.videos(), s.skipped(), s.partitions(), s.alreadyWritten(), s.computed(), s.seconds());
        return s;
    }

    /** Runs {@code extract --spark}: the Parquet folder {@code out}, resumed when it holds the same job. */
    int extract(Path base, List<VideoSample> samples, List<String> classes, String backbone, long seed,
            VideoFeatures.Settings settings, String saliency, int threads, Path out, boolean overwrite)
            throws java.io.IOException {
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
        }
        ClusterJobs jobs = ClusterJobs.spark();
        ClusterJobs.ExtractSummary s = jobs.extract(new ClusterJobs.ExtractRequest(master, samples, classes, backbone,
                seed, settings, saliency, threads, partitions == null ? 0 : partitions, out, overwrite, conf,
                remote(base)));
        System.out.printf(Locale.ROOT, "wrote %s: %d videos (%d skipped: rows of status 'skipped' with the reason)"
                + " in %d partitions (%d already written, %d computed) in %.1f s%n", out, s.videos(), s.skipped(),
                s.partitions(), s.alreadyWritten(), s.computed(), s.seconds());
        return 0;
    }
}
