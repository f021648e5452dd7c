package org.ecrl4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ecrl4j.pipeline.VideoEvaluation;
import org.ecrl4j.train.RunFolder;
import org.ecrl4j.util.AtomicFiles;

/** {@code ecrl4j eval --data}: a run trained on videos, evaluated on the splits of a dataset. */
final class VideoEvalSupport {
    private VideoEvalSupport() {}

    @SuppressWarnings("unchecked")
    static int eval(Path run, Path data, List<String> splits, org.ecrl4j.video.Views views, Integer workers, String name,
            boolean json) throws Exception {
        int w = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
        if (w < 1) {
            throw new IllegalArgumentException("--workers must be >= 1, got " + w);
        }
        Map<String, Object> result;
        try (VideoEvaluation ev = VideoEvaluation.open(run)) {
            result = ev.evaluate(data, splits, views, w, System.err::println);
        }
        return report(run, data, splits, views, name, json, result);
    }

    /** Writes RUN/eval-NAME.json and prints the result of {@code eval --data} (with or without Spark). */
    @SuppressWarnings("unchecked")
    static int report(Path run, Path data, List<String> splits, org.ecrl4j.video.Views views, String name, boolean json,
            Map<String, Object> result) throws Exception {
        String stem = name != null ? name : "data" + (splits.isEmpty() ? "" : "-" + String.join("-", splits))
                + (views.count() == 1 ? "" : "-views" + views);
        AtomicFiles.writeString(run.resolve("eval-" + stem + ".json"), RunFolder.json().writeValueAsString(result));
        if (json) {
            System.out.println(RunFolder.json().writeValueAsString(result));
            return 0;
        }
        Map<String, Object> per = (Map<String, Object>) result.get("splits");
        System.out.printf(Locale.ROOT, "%s on %s (%s views)%n", result.get("config"), data, views);
        System.out.printf(Locale.ROOT, "  %-16s %8s %8s %8s %8s%n", "split", "videos", "Acc@1", "Acc@5", "skipped");
        for (var e : per.entrySet()) {
            Map<String, Object> m = (Map<String, Object>) e.getValue();
            System.out.printf(Locale.ROOT, "  %-16s %8d %8.4f %8.4f %8d%n", e.getKey(), ((Number) m.get("count")).intValue(),
                    ((Number) m.get("acc1")).doubleValue(), ((Number) m.get("acc5")).doubleValue(),
                    ((Number) m.get("skipped")).intValue());
        }
        if (result.get("bias") instanceof Map<?, ?> b) {
            System.out.printf(Locale.ROOT, "  bias gap %.4f   object gap %.4f   static bias %.4f (chance %.4f)%n",
                    ((Number) b.get("bias_gap")).doubleValue(), ((Number) b.get("object_gap")).doubleValue(),
                    ((Number) b.get("static_bias")).doubleValue(), ((Number) result.get("chance")).doubleValue());
        }
        List<String> skipped = (List<String>) result.get("skipped_videos");
        if (!skipped.isEmpty()) {
            System.out.println("  skipped " + skipped.size() + " videos (listed in the JSON and above)");
        }
        return 0;
    }
}
