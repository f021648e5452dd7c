package org.ecrl4j.spark;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.Function;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.eval.BiasMetrics;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.pipeline.DatasetMapper;
import org.ecrl4j.pipeline.VideoEvaluation;

/**
 * One Spark task of {@code eval --spark} or {@code predict --spark}: the videos of one partition
 * through the run's own pipeline and head ({@link VideoEvaluation#score}, as many decoding threads as the task has cores),
 * written as the partition's Parquet file of predictions ({@link PredictionRows}). A video that
 * fails is a row of status {@code skipped} with the reason; it never fails the task.
 */
final class ScorePartition implements Function<ArrayList<SparkJobs.Item>, PartSummary> {
    private static final long serialVersionUID = 1L;

    /**
     * What a task needs: the run (path and the hash of its files), eval or predict, K, whether to
     * predict the static versions of the bg-shift videos (the field's bias metrics), and the classes.
     */
    record Spec(String run, String runSha256, boolean evaluate, int top, boolean staticVersions,
            ArrayList<String> classes, int threads) implements Serializable {}

    private final Spec spec;
    private final String out;

    ScorePartition(Spec spec, String out) {
        this.spec = spec;
        this.out = out;
    }

    @Override
    public PartSummary call(ArrayList<SparkJobs.Item> items) throws java.io.IOException {
        VideoEvaluation ev = ExecutorRuns.get(spec.run(), spec.runSha256());
        List<VideoSample> samples = new ArrayList<>(items.size());
        List<VideoFiles.Local> locals = new ArrayList<>(items.size());
        Map<Path, String> reasons = new HashMap<>();
        try {
            for (SparkJobs.Item it : items) {
                VideoFiles.Local local;
                try {
                    local = VideoFiles.fetch(it); // a remote video: its local copy, deleted below
                } catch (java.io.IOException e) {
                    local = new VideoFiles.Local(Path.of(it.path()), false);
                    reasons.put(local.file(), e.getMessage());
                }
                locals.add(local);
                VideoSample s = it.sample(local.file());
                // predict: the label is unknown; the pipeline needs one of the classes
                samples.add(spec.evaluate() ? s : new VideoSample(s.path(), spec.classes().get(0), "", s.segment(),
                        Map.of()));
            }
            return score(items, samples, locals, reasons, ev);
        } finally {
            locals.forEach(VideoFiles.Local::close);
        }
    }

    private PartSummary score(List<SparkJobs.Item> items, List<VideoSample> samples, List<VideoFiles.Local> locals,
            Map<Path, String> unreadable, VideoEvaluation ev) throws java.io.IOException {
        int part = items.get(0).part();
        String prefix = "partition " + part + ": ";
        List<VideoSample> readable = new ArrayList<>();
        for (VideoSample s : samples) {
            if (!unreadable.containsKey(s.path())) {
                readable.add(s);
            }
        }
        VideoEvaluation.Scores found = ev.score(readable, false, spec.threads(), line -> System.err.println(prefix + line));
        List<float[]> logits = new ArrayList<>(samples.size());
        for (int k = 0, j = 0; k < samples.size(); k++) {
            logits.add(unreadable.containsKey(samples.get(k).path()) ? null : found.logits().get(j++));
        }
        VideoEvaluation.Scores scores = new VideoEvaluation.Scores(logits, found.failures());
        Map<Path, String> reasons = new HashMap<>(unreadable);
        for (DatasetMapper.Failure f : scores.failures()) {
            reasons.put(f.video(), f.reason());
        }
        int l = spec.classes().size();
        int[] staticPrediction = new int[items.size()];
        java.util.Arrays.fill(staticPrediction, -1);
        if (spec.staticVersions()) {
            List<Integer> shifted = new ArrayList<>();
            for (int k = 0; k < items.size(); k++) {
                if (scores.logits().get(k) != null && BiasMetrics.BG_SHIFT.equals(items.get(k).split())) {
                    shifted.add(k);
                }
            }
            if (!shifted.isEmpty()) {
                VideoEvaluation.Scores still = ev.score(shifted.stream().map(samples::get).toList(), true, spec.threads(),
                        line -> System.err.println(prefix + "static versions: " + line));
                for (int j = 0; j < shifted.size(); j++) {
                    float[] z = still.logits().get(j);
                    staticPrediction[shifted.get(j)] = z == null ? -1 : Evaluation.argmax(z, 0, l);
                }
            }
        }
        List<PredictionRows.Row> rows = new ArrayList<>(items.size());
        ArrayList<String> skipped = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            SparkJobs.Item it = items.get(k);
            float[] z = scores.logits().get(k);
            String label = spec.evaluate() ? it.label() : null;
            int y = spec.evaluate() ? it.labelIndex() : -1;
            if (z == null) {
                String reason = locals.get(k).named(reasons.getOrDefault(samples.get(k).path(), "failed"), it.path());
                rows.add(new PredictionRows.Row(part, it.position(), it.path(), label, y, it.split(), Rows.SKIPPED,
                        reason, -1, -1, null, null, null, null, -1));
                skipped.add(it.path() + ": " + reason);
                continue;
            }
            double[] p = VideoEvaluation.softmax(z, 0, l);
            int[] top = VideoEvaluation.topClasses(p, spec.top());
            List<String> names = new ArrayList<>(top.length);
            double[] probabilities = new double[top.length];
            for (int j = 0; j < top.length; j++) {
                names.add(spec.classes().get(top[j]));
                probabilities[j] = p[top[j]];
            }
            rows.add(new PredictionRows.Row(part, it.position(), it.path(), label, y, it.split(), Rows.OK, null,
                    Evaluation.argmax(z, 0, l), y < 0 ? -1 : Evaluation.rank(z, 0, l, y), names, top, probabilities, z,
                    staticPrediction[k]));
        }
        PartitionFiles.write(out, part, PredictionRows.SCHEMA, rows, PredictionRows::fill);
        return new PartSummary(part, rows.size() - skipped.size(), skipped);
    }
}
