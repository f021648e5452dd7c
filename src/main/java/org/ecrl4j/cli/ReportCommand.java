package org.ecrl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ecrl4j.report.RunReport;
import org.ecrl4j.report.Tsne;
import org.ecrl4j.report.VideoEvidence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes the HTML report of a run folder. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write RUN_DIR/report/index.html: configuration and provenance, metrics, training curves,",
            "confusion matrices and, with --features, the paper's figures (Fig. 5 t-SNE before/after the",
            "intervention, Fig. 7 top-3 classes, Fig. 6 frame weights and attention). Readable offline."})
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN_DIR", description = "folder written by ecrl4j train")
    Path run;

    @Option(names = "--features", paramLabel = "TEST.npz", description = "test features for the figures")
    Path features;

    @Option(names = "--compare", paramLabel = "BASE_RUN", description = "base run to compare against (e.g. --config base)")
    Path compare;

    @Option(names = "--data", paramLabel = "ANNOTATIONS",
            description = "annotations of the test videos, for frames, Grad-CAM and the saliency split"
                    + " (needs runs trained from videos; not available for feature-only runs yet)")
    Path data;

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

    @Override
    public Integer call() throws Exception {
        threads.apply();
        if (compare != null && features == null) {
            throw new IllegalArgumentException("--compare " + compare + " needs --features TEST.npz: the runs are"
                    + " compared on test features");
        }
        VideoEvidence evidence = VideoEvidence.NONE;
        if (data != null) {
            evidence = new VideoEvidence() {
                @Override
                public java.util.Optional<org.ecrl4j.report.VideoPanel> panel(int index) {
                    return java.util.Optional.empty();
                }

                @Override
                public String unavailableReason() {
                    return "--data " + data + " was given, but " + run + " was trained on cached features, which do"
                            + " not record which video each row came from; frames need a run trained from videos";
                }
            };
        }
        Path index = RunReport.write(new RunReport.Options(run, features, compare, evidence, tsnePoints,
                new Tsne.Options(perplexity, iterations, 200, seed)), System.err);
        System.out.println(index.toAbsolutePath());
        return 0;
    }
}
