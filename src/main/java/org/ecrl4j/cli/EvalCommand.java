package org.ecrl4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.RunFolder;
import org.ecrl4j.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Evaluates a trained run on a feature file. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a run on cached features (Acc@1, Acc@5, mean class accuracy).",
            "Writes the metrics and the",
            "confusion matrix to RUN_DIR/eval-<name>.json and confusion-<name>.csv."})
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN_DIR", description = "folder written by ecrl4j train")
    Path run;

    @Option(names = "--features", paramLabel = "TEST.npz",
            description = "features to evaluate: a .npz, or the Parquet folder of extract --spark")
    Path features;

    @Option(names = "--data", paramLabel = "ANNOTATIONS",
            description = "evaluate on videos instead, through the run's own pipeline (a run of train --data)")
    Path data;

    @Option(names = "--split", split = ",", paramLabel = "S",
            description = "with --data: the split(s) to evaluate (default: every split but train, train-unbiased, val)")
    java.util.List<String> splits = new java.util.ArrayList<>();

    @Option(names = "--views", defaultValue = "1x1", paramLabel = "CLIPSxCROPS",
            description = "with --data: multi-view testing, CLIPS evenly spaced temporal clips times CROPS crops along"
                    + " the longer side (left, centre, right), softmax averaged; e.g. 4x3, 10x3 (default: ${DEFAULT-VALUE},"
                    + " the segment centres and the centre crop)")
    String views = "1x1";

    @Option(names = "--workers", paramLabel = "N", description = "with --data: decoding threads (default: processors)")
    Integer workers;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--name", paramLabel = "NAME", description = "name of the result files (default: the file's stem)")
    String name;

    @Option(names = "--json", description = "print JSON (acc1, acc5, mean_class_acc, ...) on standard output")
    boolean json;

    @Mixin ThreadsOption threads;
    @Mixin PrecisionOption precision;

    @Mixin FeatureFileOptions featureFiles;

    @Mixin SparkOptions spark;

    @Option(names = "--out", paramLabel = "FOLDER",
            description = "with --spark: the Parquet folder of the per-video predictions (a rerun resumes it)")
    Path out;

    @Option(names = "--overwrite", description = "with --spark: replace a predictions folder of another job")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        precision.apply();
        if ((features == null) == (data == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give exactly one of --features (cached features) and --data (videos)");
        }
        org.ecrl4j.video.Views v = org.ecrl4j.video.Views.parse(views);
        spark.requireMasterForOptions();
        if (spark.enabled()) {
            return evalOnSpark(v);
        }
        if (out != null || overwrite) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--out and --overwrite apply to --spark"
                    + " only (eval writes its results into the run folder)");
        }
        if (data != null) {
            return VideoEvalSupport.eval(run, data, splits, v, workers, name, json);
        }
        if (v.count() != 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--views needs --data (videos): cached features hold one view per video");
        }
        RunFolder.RunConfig config = RunFolder.readConfig(run);
        int classes = config.shape().classes();
        // labels at or above the run's classes are refused here, naming the first such video
        FeatureSet set = FeatureFileOptions.load(features, featureFiles.limits().withClasses(classes));
        try (HeadModel model = HeadModel.load(run, config.head(), config.shape())) {
            model.checkCompatible(set, features.toString());
            Evaluation e = Evaluation.of("run " + run, model.logits(set, 64), set.labels(), classes);
            String stem = name != null ? name : features.getFileName().toString().replaceFirst("\\.npz$", "");
            Map<String, Object> result = new LinkedHashMap<>(e.toJson());
            result.put("features", features.toAbsolutePath().toString());
            if (!java.nio.file.Files.isDirectory(features)) {
                result.put("features_sha256", RunFolder.sha256(features));
            }
            result.put("config", config.head().name());
            AtomicFiles.writeString(run.resolve("eval-" + stem + ".json"),
                    RunFolder.json().writeValueAsString(result));
            AtomicFiles.writeString(run.resolve("confusion-" + stem + ".csv"), confusionCsv(e.confusion()));
            if (json) {
                System.out.println(RunFolder.json().writeValueAsString(result));
            } else {
                System.out.printf(Locale.ROOT, "%s on %s (%d videos, %d classes)%n", config.head().name(), features,
                        e.count(), classes);
                System.out.printf(Locale.ROOT, "  Acc@1 %.4f   Acc@%d %.4f   mean class acc %.4f   (chance %.4f)%n",
                        e.acc1(), e.topK(), e.acc5(), e.meanClassAcc(), 1.0 / classes);
            }
        }
        return 0;
    }

    /**
     * {@code eval --data ANNOTATIONS --spark MASTER --out FOLDER}: the videos of the evaluated splits as
     * the tasks of a Spark job, their predictions as Parquet, and the metrics of {@code eval --data}
     * aggregated by Spark.
     */
    private int evalOnSpark(org.ecrl4j.video.Views v) throws Exception {
        if (data == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--spark evaluates videos: give --data"
                    + " ANNOTATIONS (cached features are evaluated in one process)");
        }
        if (v.count() != 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--views " + views + " is not"
                    + " available with --spark yet; evaluate multi-view in one process (without --spark)");
        }
        if (out == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--spark needs --out FOLDER: the"
                    + " Parquet folder of the per-video predictions");
        }
        threads.apply();
        RunFolder.RunConfig config = RunFolder.readConfig(run);
        org.ecrl4j.pipeline.VideoPipeline.read(run); // a run of train --features has none: refused here, not on executors
        java.util.List<org.ecrl4j.data.VideoSample> all = org.ecrl4j.data.DatasetReaders.read(data);
        java.util.List<String> classes = config.classes();
        java.util.List<String> wanted = org.ecrl4j.pipeline.VideoEvaluation.evaluatedSplits(data, all, splits, classes);
        java.util.List<org.ecrl4j.data.VideoSample> samples = all.stream()
                .filter(s -> wanted.contains(org.ecrl4j.data.DatasetReaders.normalizeSplit(s.split()))).toList();
        Map<String, Object> header = org.ecrl4j.pipeline.VideoEvaluation.resultHeader(run, config.head().name(), data, v);
        org.ecrl4j.pipeline.ClusterJobs.ScoreSummary s = spark.score(SparkOptions.baseOf(data), run, true, samples, wanted, all, classes, header,
                Math.min(5, classes.size()), threads.threads, out, overwrite);
        Map<String, Object> result = new LinkedHashMap<>(s.metrics());
        result.put("predictions", out.toAbsolutePath().toString());
        return VideoEvalSupport.report(run, data, splits, v, name, json, result);
    }

    static String confusionCsv(int[][] confusion) {
        StringBuilder sb = new StringBuilder("true\\predicted");
        for (int c = 0; c < confusion.length; c++) {
            sb.append(',').append(c);
        }
        sb.append('\n');
        for (int r = 0; r < confusion.length; r++) {
            sb.append(r);
            for (int v : confusion[r]) {
                sb.append(',').append(v);
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
