package org.ecrl4j.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.data.VideoSample;

/**
 * The jobs that run on a cluster engine (Apache Spark, package {@code org.ecrl4j.spark}): feature
 * extraction over a corpus into a Parquet folder, and reading such a folder back as a feature set.
 * The engine is found by name at run time, so that the default build (without Spark on the class
 * path) still compiles and runs everything else; see {@link #spark()}.
 */
public interface ClusterJobs {
    /** The file in an extraction folder that describes the job (and marks the folder as one). */
    String JOB_FILE = "_ecrl4j_extract.json";

    /**
     * One extraction.
     *
     * @param master the cluster manager: {@code local[N]}, {@code spark://host:7077}, {@code yarn},
     *     {@code k8s://...}; or null when {@code spark-submit} already set it
     * @param samples the videos, in annotation order (the position is each row's key)
     * @param classes the class names (label index = position in this list)
     * @param backbone a backbone spec ({@code builtin}, {@code builtin:PATH}, {@code torchscript:PATH});
     *     a PATH must be readable at the same place on every executor
     * @param seed the weights of a plain {@code builtin} backbone
     * @param settings T, size and split
     * @param saliency the saliency method's name
     * @param threads libtorch threads per task ({@code spark.task.cpus})
     * @param partitions the number of partitions (0: about 4 per core of the cluster)
     * @param out the Parquet folder
     * @param overwrite replace an extraction folder with other settings
     * @param conf further Spark settings
     * @param remote where the executors read the videos through Hadoop's FileSystem (null: at their paths)
     */
    record ExtractRequest(String master, List<VideoSample> samples, List<String> classes, String backbone, long seed,
            VideoFeatures.Settings settings, String saliency, int threads, int partitions, Path out, boolean overwrite,
            Map<String, String> conf, RemoteVideos remote) {}

    /**
     * Videos read through Hadoop's FileSystem ({@code hdfs://}, {@code s3a://}, {@code file://}, any
     * scheme the cluster's Hadoop configuration knows): each video at {@code root} + its path
     * relative to {@code base} (the folder of the annotation file). An executor copies a video of a
     * remote file system to a local temporary file for the decoder and deletes it after.
     */
    record RemoteVideos(Path base, String root) {
        /** The URI of the video at {@code path} (inside {@code base}). */
        public String uri(Path path) {
            Path rel = base.toAbsolutePath().normalize().relativize(path.toAbsolutePath().normalize());
            if (rel.startsWith("..")) {
                throw new IllegalArgumentException(path + " is not inside " + base + ", which --video-root " + root
                        + " stands for");
            }
            StringBuilder uri = new StringBuilder(root.replaceAll("/+$", ""));
            for (Path part : rel) {
                uri.append('/').append(part);
            }
            return uri.toString();
        }
    }

    /**
     * What an extraction did.
     *
     * @param partitions the job's partitions
     * @param alreadyWritten the partitions a previous (killed) run had written completely
     * @param computed the partitions computed by this run
     * @param videos the videos of the partitions computed by this run
     * @param skipped those of them skipped (rows of status {@code skipped})
     * @param seconds the wall time of this run
     */
    record ExtractSummary(int partitions, int alreadyWritten, int computed, long videos, long skipped, double seconds) {}

    /** Runs an extraction; resumes one whose folder holds the same job. */
    ExtractSummary extract(ExtractRequest request) throws IOException;

    /**
     * The rows of status {@code ok} of an extraction folder as a feature set, in annotation order,
     * streamed row by row into the arrays (never all rows at once).
     *
     * @param maxArrayBytes refuse, before reading, a stream larger than this
     * @throws IOException naming the folder when it is incomplete, empty or larger than allowed
     */
    FeatureSet readFeatures(Path folder, long maxArrayBytes) throws IOException;

    /** The file in a predictions folder ({@code eval --spark}, {@code predict --spark}) that describes the job. */
    String PREDICTIONS_JOB_FILE = "_ecrl4j_predictions.json";

    /** The metrics of {@code eval --spark}, beside its predictions. */
    String METRICS_FILE = "_metrics.json";

    /**
     * One evaluation or prediction over a corpus with a run trained on videos ({@code train --data}):
     * per-video predictions written as Parquet, and for an evaluation the metrics aggregated by Spark.
     *
     * @param master as in {@link ExtractRequest}
     * @param run the run folder (readable at the same place on every executor)
     * @param evaluate true for {@code eval} (labels known, metrics), false for {@code predict}
     * @param samples the videos, in annotation order (for eval: those of the evaluated splits)
     * @param splits for eval: the evaluated splits (normalised names), in order
     * @param all for eval: every row of the annotations (the bg-only rows give the background home
     *     classes of the field's bias metrics)
     * @param classes the run's classes
     * @param header the first keys of the evaluation's JSON ({@link VideoEvaluation#resultHeader})
     * @param top classes per video in the rows (eval: min(5, L))
     * @param threads libtorch threads per task ({@code spark.task.cpus})
     * @param partitions the number of partitions (0: about 4 per core of the cluster)
     * @param out the Parquet folder of the predictions
     * @param overwrite replace a predictions folder of another job
     * @param conf further Spark settings
     * @param remote where the executors read the videos through Hadoop's FileSystem (null: at their paths)
     */
    record ScoreRequest(String master, Path run, boolean evaluate, List<VideoSample> samples, List<String> splits,
            List<VideoSample> all, List<String> classes, Map<String, Object> header, int top, int threads,
            int partitions, Path out, boolean overwrite, Map<String, String> conf, RemoteVideos remote) {}

    /**
     * What an evaluation or prediction did.
     *
     * @param metrics for eval: the JSON of {@code eval --data} (per split Acc@1, Acc@5, mean class
     *     accuracy, confusion, skipped; the bias metrics where the splits allow), computed by Spark
     *     from the rows; null for predict
     * @param videos the videos of the job (all partitions)
     * @param skipped those skipped (rows of status {@code skipped})
     * @param skippedVideos PATH: REASON of each skipped video
     */
    record ScoreSummary(Map<String, Object> metrics, int partitions, int alreadyWritten, int computed, long videos,
            long skipped, List<String> skippedVideos, double seconds) {}

    /** Runs an evaluation or prediction; resumes one whose folder holds the same job. */
    ScoreSummary score(ScoreRequest request) throws IOException;

    /**
     * Starts a Spark session and keeps it up until closed: the jobs run meanwhile use it instead of
     * starting and stopping their own (for {@code bench extract --spark}, which times jobs with the
     * session already up and the session's start apart).
     */
    AutoCloseable session(String master, int threads, Map<String, String> conf);

    /** The Spark implementation's class (built only with Spark; named here, not imported). */
    String SPARK_JOBS = ClusterJobs.class.getPackageName().replace(".pipeline", ".spark") + ".SparkJobs";

    /** Whether {@code path} is an extraction folder written by {@link #extract}. */
    static boolean isExtractionFolder(Path path) {
        return Files.isDirectory(path) && Files.isRegularFile(path.resolve(JOB_FILE));
    }

    /**
     * The Spark implementation.
     *
     * @throws IllegalStateException with a one-line message when this build or class path has no Spark
     */
    static ClusterJobs spark() {
        try {
            return (ClusterJobs) Class.forName(SPARK_JOBS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("Spark is not on the class path (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); run through ./ecrl4j, which adds target/spark-lib for --spark and Parquet"
                    + " feature folders, or through spark-submit (README, 'On a cluster')");
        }
    }
}
