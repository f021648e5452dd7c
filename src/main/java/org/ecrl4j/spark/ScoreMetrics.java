package org.ecrl4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.eval.BiasMetrics;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.eval.FieldBiasMetrics;
import org.ecrl4j.pipeline.ClusterJobs;
import org.ecrl4j.pipeline.VideoEvaluation;

/**
 * The metrics of {@code eval --spark}, aggregated by Spark from the rows of the predictions folder
 * (per split: counts, top-1 and top-k hits, skipped, the confusion matrix), in the JSON of the
 * single-process {@code eval --data} ({@link VideoEvaluation#evaluate}), with the bias metrics when
 * the four benchmark test splits are evaluated.
 */
final class ScoreMetrics {
    private ScoreMetrics() {}

    static Map<String, Object> of(Dataset<Row> rows, ClusterJobs.ScoreRequest r, List<VideoSample> samples,
            List<String> skipped) {
        int l = r.classes().size();
        int k = Math.min(5, l);
        Column ok = col("status").equalTo(Rows.OK);
        Map<String, Row> perSplit = new HashMap<>();
        for (Row x : rows.groupBy("split").agg(
                sum(when(ok, lit(1L)).otherwise(lit(0L))).as("count"),
                sum(when(ok.and(col("prediction").equalTo(col("label_index"))), lit(1L)).otherwise(lit(0L))).as("top1"),
                sum(when(ok.and(col("truth_rank").lt(k)), lit(1L)).otherwise(lit(0L))).as("topk"),
                sum(when(ok, lit(0L)).otherwise(lit(1L))).as("skipped")).collectAsList()) {
            perSplit.put(x.getString(0), x);
        }
        Map<String, int[][]> confusion = new HashMap<>();
        for (Row x : rows.filter(ok).groupBy("split", "label_index", "prediction").count().collectAsList()) {
            confusion.computeIfAbsent(x.getString(0), s -> new int[l][l])[x.getInt(1)][x.getInt(2)] += (int) x.getLong(3);
        }
        Map<String, Object> result = new LinkedHashMap<>(r.header());
        Map<String, Object> splits = new LinkedHashMap<>();
        Map<String, Double> acc1 = new LinkedHashMap<>();
        for (String split : r.splits()) {
            Row x = perSplit.get(split);
            long n = x == null ? 0 : x.getLong(1);
            if (n == 0) {
                System.err.println("split " + split + ": no video could be read; left out");
                continue;
            }
            int[][] c = confusion.get(split);
            Evaluation e = new Evaluation((int) n, (double) x.getLong(2) / n, (double) x.getLong(3) / n, k,
                    Evaluation.meanClassAccuracy(c), c, new int[0]);
            Map<String, Object> m = new LinkedHashMap<>(e.toJson());
            m.put("skipped", (int) x.getLong(4));
            splits.put(split, m);
            acc1.put(split, e.acc1());
        }
        result.put("splits", splits);
        if (BiasMetrics.applicable(acc1.keySet())) {
            Map<String, Object> bias = new LinkedHashMap<>(BiasMetrics.of(acc1).toJson());
            bias.putAll(fieldMetrics(rows, r, samples, acc1.get(BiasMetrics.BG_ONLY), l).toJson());
            result.put("bias", bias);
        }
        result.put("chance", 1.0 / l);
        result.put("skipped_videos", skipped);
        return result;
    }

    /**
     * The field's bias metrics from the bg-shift rows (prediction, the static version's prediction;
     * one whose static version could not be read counts as not contrasted, as in {@code eval --data}).
     */
    private static FieldBiasMetrics fieldMetrics(Dataset<Row> rows, ClusterJobs.ScoreRequest r,
            List<VideoSample> samples, double bgOnlyAcc1, int classes) {
        List<Row> shift = rows.filter(col("status").equalTo(Rows.OK).and(col("split").equalTo(BiasMetrics.BG_SHIFT)))
                .select("position", "prediction", "static_prediction", "label_index").orderBy("position")
                .collectAsList();
        int n = shift.size();
        int[] predicted = new int[n];
        int[] staticVersion = new int[n];
        long[] labels = new long[n];
        List<VideoSample> shifted = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Row x = shift.get(i);
            predicted[i] = x.getInt(1);
            labels[i] = x.getInt(3);
            staticVersion[i] = x.getInt(2) < 0 ? (int) labels[i] : x.getInt(2);
            shifted.add(r.samples().get(x.getInt(0))); // the annotation row, with its background
        }
        int[] home = VideoEvaluation.backgroundHomes(shifted, r.all(), r.classes());
        return FieldBiasMetrics.of(predicted, staticVersion, labels, home, bgOnlyAcc1, classes);
    }
}
