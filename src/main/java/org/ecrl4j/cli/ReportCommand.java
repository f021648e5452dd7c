package org.ecrl4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ecrl4j.explain.RunEvidence;
import org.ecrl4j.explain.Tsne;
import org.ecrl4j.explain.VideoEvidence;
import org.ecrl4j.pipeline.VideoPipeline;
import org.ecrl4j.pipeline.VideoReportInputs;
import org.ecrl4j.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes the HTML report of a run folder in two steps: the explain step ({@link RunEvidence}) runs
 * the models on the test features (and, with --data, the videos) and writes RUN_DIR/evidence/; the
 * report ({@link RunReport}) renders the run folder's files.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write RUN_DIR/report/index.html: configuration and provenance, metrics, training curves,",
            "confusion matrices and, with --features, the paper's figures (Fig. 5 t-SNE before/after the",
            "intervention, Fig. 7 top-3 classes, Fig. 6 frame weights and attention). Readable offline.",
            "For a run trained from videos, --data ANNOTATIONS replaces --features: the test videos go through",
            "the run's own pipeline (and --compare's through its own), and the chosen videos get their frames,",
            "the Grad-CAM of base and ECRL and the saliency split."})
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN_DIR", description = "folder written by ecrl4j train")
    Path run;

    @Option(names = "--features", paramLabel = "TEST.npz", description = "test features for the figures")
    Path features;

    @Option(names = "--compare", paramLabel = "BASE_RUN", description = "base run to compare against (e.g. --config base)")
    Path compare;

    @Option(names = "--data", paramLabel = "ANNOTATIONS",
            description = "annotations of the test videos, for frames, Grad-CAM and the saliency split"
                    + " (runs trained from videos with ecrl4j train --data)")
    Path data;

    @Option(names = "--split", paramLabel = "S",
            description = "split of --data to report (default: iid, else test, else the first split that is not"
                    + " train or val)")
    String split;

    @Option(names = "--workers", paramLabel = "N", description = "decoding threads for --data (default: all cores)")
    Integer workers;

    @Option(names = "--tsne-points", defaultValue = "500", paramLabel = "N",
            description = "at most N test videos in the t-SNE (default: ${DEFAULT-VALUE})")
    int tsnePoints;

    @Option(names = "--perplexity", defaultValue = "30", paramLabel = "P", description = "t-SNE perplexity (default: ${DEFAULT-VALUE})")
    double perplexity;

    @Option(names = "--tsne-iterations", defaultValue = "1000", paramLabel = "N",
            description = "t-SNE iterations (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--seed", defaultValue = "0", description = "fixes the t-SNE start and the subset of videos")
    long seed;

    @Mixin ThreadsOption threads;

    @Mixin FeatureFileOptions featureFiles;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        boolean videoRun = Files.isRegularFile(run.resolve(VideoPipeline.FILE));
        if (data != null && videoRun) {
            if (features != null) {
                throw new IllegalArgumentException("--features " + features + " and --data " + data + " were both given;"
                        + " for a run trained from videos the report extracts the test features of --data itself (it"
                        + " must know the video behind each row): drop --features");
            }
            int w = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
            if (w < 1) {
                throw new IllegalArgumentException("--workers must be >= 1, got " + w);
            }
            try (VideoReportInputs in = VideoReportInputs.prepare(run, compare, data, split, w, System.err)) {
                RunEvidence.write(new RunEvidence.Options(run, in.features(), compare, in.compareFeatures(),
                        in.evidence(), tsnePoints, new Tsne.Options(perplexity, iterations, 200, seed)), System.err);
            }
            System.out.println(RunReport.write(run).toAbsolutePath());
            return 0;
        }
        if (data != null && features == null) {
            throw new IllegalArgumentException("--data " + data + " needs a run trained from videos, but " + run
                    + " has no " + VideoPipeline.FILE + " (it was trained on cached features, whose rows do not name"
                    + " their videos); pass --features TEST.npz for the figures without frames");
        }
        if (split != null && data == null) {
            throw new IllegalArgumentException("--split " + split + " needs --data ANNOTATIONS");
        }
        if (compare != null && features == null) {
            throw new IllegalArgumentException("--compare " + compare + " needs --features TEST.npz: the runs are"
                    + " compared on test features");
        }
        VideoEvidence evidence = VideoEvidence.NONE;
        if (data != null) {
            evidence = new VideoEvidence() {
                @Override
                public java.util.Optional<org.ecrl4j.explain.VideoPanel> panel(int index) {
                    return java.util.Optional.empty();
                }

                @Override
                public String unavailableReason() {
                    return "--data " + data + " was given, but " + run + " was trained on cached features (it has no "
                            + VideoPipeline.FILE + "), which do not record which video each row came from; frames and"
                            + " Grad-CAM need a run trained from videos (ecrl4j train --data)";
                }
            };
        }
        RunEvidence.write(new RunEvidence.Options(run, features, compare, null, evidence, tsnePoints,
                new Tsne.Options(perplexity, iterations, 200, seed), featureFiles.limits()), System.err);
        System.out.println(RunReport.write(run).toAbsolutePath());
        return 0;
    }
}
