package org.ecrl4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ecrl4j.pipeline.DatasetMapper;
import org.ecrl4j.pipeline.VideoEvaluation;
import org.ecrl4j.train.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Classifies videos with a run trained on videos. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Top-5 classes with their probabilities for each video, through the run's own pipeline",
            "(a run of `ecrl4j train --data`). A video that cannot be read is reported and the others are kept;",
            "the exit code is then 1."})
public final class PredictCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN_DIR", description = "folder written by ecrl4j train --data")
    Path run;

    @Parameters(arity = "0..*", paramLabel = "VIDEO", description = "video files")
    List<Path> videos = new ArrayList<>();

    @Option(names = "--data", paramLabel = "ANNOTATIONS",
            description = "with --spark: classify the videos of an annotation file or dataset folder (a corpus)")
    Path data;

    @Option(names = "--split", paramLabel = "S", description = "with --data: only the videos of this split")
    String split;

    @Mixin SparkOptions spark;

    @Option(names = "--out", paramLabel = "FOLDER",
            description = "with --spark: the Parquet folder of the predictions (a rerun resumes it)")
    Path out;

    @Option(names = "--overwrite", description = "with --spark: replace a predictions folder of another job")
    boolean overwrite;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--top", defaultValue = "5", paramLabel = "K", description = "classes per video (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--views", defaultValue = "1x1", paramLabel = "CLIPSxCROPS",
            description = {"test views per video, softmax averaged, as `eval --views`: evenly spaced temporal clips",
                "x left/centre/right (or top/centre/bottom) crops, e.g. 4x3 (default: ${DEFAULT-VALUE})"})
    String views = "1x1";

    @Option(names = "--json", description = "print JSON on standard output")
    boolean json;

    @Option(names = "--workers", paramLabel = "N", description = "decoding threads (default: processors)")
    Integer workers;

    @Mixin ThreadsOption threads;
    @Mixin PrecisionOption precision;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        precision.apply();
        if (top < 1) {
            throw new IllegalArgumentException("--top must be >= 1, got " + top);
        }
        spark.requireMasterForOptions();
        org.ecrl4j.video.Views v = org.ecrl4j.video.Views.parse(views);
        if (spark.enabled()) {
            if (v.count() != 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--views " + views + " is not"
                        + " available with --spark (one view per video there); leave --views out or run without --spark");
            }
            return predictOnSpark();
        }
        if (data != null || split != null || out != null || overwrite) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--data, --split, --out and --overwrite"
                    + " apply to --spark only");
        }
        if (videos.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give at least one VIDEO");
        }
        int w = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
        VideoEvaluation.Predictions p;
        try (VideoEvaluation ev = VideoEvaluation.open(run)) {
            p = ev.predict(videos, v, top, Math.max(1, w), System.err::println);
        }
        if (json) {
            List<Object> rows = new ArrayList<>();
            for (VideoEvaluation.Prediction x : p.predictions()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("video", x.video().toString());
                List<Object> top5 = new ArrayList<>();
                for (VideoEvaluation.Ranked r : x.top()) {
                    top5.add(Map.of("label", r.label(), "probability", r.probability()));
                }
                row.put("top", top5);
                rows.add(row);
            }
            List<Object> failed = new ArrayList<>();
            for (DatasetMapper.Failure f : p.failures()) {
                failed.add(Map.of("video", f.video().toString(), "error", f.reason()));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("views", v.toString());
            out.put("predictions", rows);
            out.put("failed", failed);
            System.out.println(RunFolder.json().writeValueAsString(out));
        } else {
            for (VideoEvaluation.Prediction x : p.predictions()) {
                System.out.println(x.video());
                for (VideoEvaluation.Ranked r : x.top()) {
                    System.out.printf(Locale.ROOT, "  %-24s %.4f%n", r.label(), r.probability());
                }
            }
            for (DatasetMapper.Failure f : p.failures()) {
                System.out.println(f.video() + "\n  failed: " + f.reason());
            }
        }
        return p.failures().isEmpty() ? 0 : 1;
    }

    /**
     * {@code predict --spark MASTER --out FOLDER (VIDEO... | --data ANNOTATIONS)}: the top classes of
     * each video as the Parquet rows of FOLDER; the exit code is 1 when a video was skipped.
     */
    private int predictOnSpark() throws Exception {
        if ((data == null) == videos.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give the videos either as VIDEO"
                    + " arguments or as --data ANNOTATIONS, not both");
        }
        threads.apply();
        RunFolder.RunConfig config = RunFolder.readConfig(run);
        org.ecrl4j.pipeline.VideoPipeline.read(run); // a run of train --features has none: refused here
        List<org.ecrl4j.data.VideoSample> samples = new ArrayList<>();
        if (data != null) {
            for (org.ecrl4j.data.VideoSample s : org.ecrl4j.data.DatasetReaders.read(data)) {
                if (split == null || org.ecrl4j.data.DatasetReaders.normalizeSplit(s.split())
                        .equals(org.ecrl4j.data.DatasetReaders.normalizeSplit(split))) {
                    samples.add(s);
                }
            }
        } else {
            for (Path v : videos) {
                samples.add(new org.ecrl4j.data.VideoSample(v.toAbsolutePath().normalize(), "", "", null, Map.of()));
            }
        }
        org.ecrl4j.pipeline.ClusterJobs.ScoreSummary s = spark.score(data != null ? SparkOptions.baseOf(data) : Path.of("").toAbsolutePath(), run, false,
                samples, List.of(), List.of(),
                config.classes(), Map.of(), top, threads.threads, out, overwrite);
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("predictions", out.toAbsolutePath().toString());
            o.put("videos", s.videos());
            o.put("skipped", s.skipped());
            o.put("failed", s.skippedVideos());
            System.out.println(RunFolder.json().writeValueAsString(o));
        } else {
            System.out.printf(Locale.ROOT, "predictions of %d videos in %s (Parquet; docs/SPARK.md)%n", s.videos(), out);
            for (String f : s.skippedVideos()) {
                System.out.println("failed: " + f);
            }
        }
        return s.skipped() == 0 ? 0 : 1;
    }
}
