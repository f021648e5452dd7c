package org.ecrl4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.ecrl4j.pipeline.VideoEvaluation;

/**
 * The lazy holder of a run (its encoders and head) in an executor JVM, for {@code eval --spark} and
 * {@code predict --spark}: opened by the first task that needs it and shared by the JVM's tasks
 * after that (forward passes are serialised; decoding and saliency run in parallel).
 */
final class ExecutorRuns {
    private static final Map<String, VideoEvaluation> OPEN = new HashMap<>();
    /** How many runs this JVM has opened (a check that tasks share them). */
    static int loads;

    private ExecutorRuns() {}

    /**
     * The run at {@code run}, keyed by its path and the job's hash of its files (a run folder
     * trained again at the same path is opened again).
     */
    static synchronized VideoEvaluation get(String run, String runSha256) throws IOException {
        String key = run + "|" + runSha256;
        VideoEvaluation e = OPEN.get(key);
        if (e == null) {
            e = VideoEvaluation.open(Path.of(run));
            OPEN.put(key, e);
            loads++;
        }
        return e;
    }
}
