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

    @Parameters(arity = "1..*", paramLabel = "VIDEO", description = "video files")
    List<Path> videos;

    @Option(names = "--top", defaultValue = "5", paramLabel = "K", description = "classes per video (default: ${DEFAULT-VALUE})")
    int top;

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
        int w = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
        VideoEvaluation.Predictions p;
        try (VideoEvaluation ev = VideoEvaluation.open(run)) {
            p = ev.predict(videos, top, Math.max(1, w), System.err::println);
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
}
