package org.ecrl4j.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Classification metrics of MODEL.md section 7 for one set of predictions.
 *
 * @param count number of videos
 * @param acc1 top-1 accuracy
 * @param acc5 top-k accuracy with k = min(5, L) (see {@code topK})
 * @param topK the k of {@code acc5}: 5, or L when there are fewer than 5 classes
 * @param meanClassAcc mean over the classes present of their top-1 recall
 * @param confusion confusion[true][predicted] counts, L x L
 * @param predictions the predicted class (arg max) of each video, in input order
 */
public record Evaluation(int count, double acc1, double acc5, int topK, double meanClassAcc, int[][] confusion,
        int[] predictions) {

    /**
     * Computes the metrics from logits.
     *
     * @param logits N rows of L scores, flattened row-major
     * @param labels N true classes
     * @param classes L
     */
    public static Evaluation of(float[] logits, long[] labels, int classes) {
        return of(null, logits, labels, classes);
    }

    /**
     * Computes the metrics from logits; {@code source} (e.g. "run runs/ecrl", or null) starts
     * the error raised when a logit is not finite. Such a logit is an error, never ranked: every
     * comparison with NaN is false, so it would otherwise count as a top-1 and top-k hit.
     */
    public static Evaluation of(String source, float[] logits, long[] labels, int classes) {
        int n = labels.length;
        if (logits.length != (long) n * classes) {
            throw new IllegalArgumentException(logits.length + " logits for " + n + " videos x " + classes
                    + " classes");
        }
        int k = Math.min(5, classes);
        int[][] confusion = new int[classes][classes];
        int[] predictions = new int[n];
        int top1 = 0;
        int topk = 0;
        for (int i = 0; i < n; i++) {
            int y = (int) labels[i];
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException("Label " + y + " of video " + i + " is outside [0, " + classes + ")");
            }
            for (int c = 0; c < classes; c++) {
                float v = logits[i * classes + c];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException((source == null ? "" : source + ": ") + "logits of video " + i
                            + " hold " + v + " (class " + c + "); the model's outputs are not finite: its"
                            + " parameters are damaged or training diverged, retrain it");
                }
            }
            int argmax = argmax(logits, i * classes, classes);
            confusion[y][argmax]++;
            predictions[i] = argmax;
            top1 += argmax == y ? 1 : 0;
            topk += rank(logits, i * classes, classes, y) < k ? 1 : 0;
        }
        return new Evaluation(n, n == 0 ? 0 : (double) top1 / n, n == 0 ? 0 : (double) topk / n, k,
                meanClassAccuracy(confusion), confusion, predictions);
    }

    /** The predicted class of the {@code classes} logits from {@code from}: the first of the largest. */
    public static int argmax(float[] logits, int from, int classes) {
        int argmax = 0;
        for (int c = 1; c < classes; c++) {
            if (logits[from + c] > logits[from + argmax]) {
                argmax = c;
            }
        }
        return argmax;
    }

    /**
     * The rank of class {@code y} among the {@code classes} logits from {@code from}: how many classes
     * rank before it (a larger logit, or an equal one of a lower index); a top-k hit is a rank below k.
     */
    public static int rank(float[] logits, int from, int classes, int y) {
        float truth = logits[from + y];
        int better = 0;
        for (int c = 0; c < classes; c++) {
            float v = logits[from + c];
            if (v > truth || (v == truth && c < y)) {
                better++;
            }
        }
        return better;
    }

    /** Mean over the classes that occur of correct / occurrences (rows of the confusion matrix). */
    public static double meanClassAccuracy(int[][] confusion) {
        double sum = 0;
        int present = 0;
        for (int c = 0; c < confusion.length; c++) {
            int total = 0;
            for (int v : confusion[c]) {
                total += v;
            }
            if (total > 0) {
                sum += (double) confusion[c][c] / total;
                present++;
            }
        }
        return present == 0 ? 0 : sum / present;
    }

    /** The JSON form: acc1, acc5, mean_class_acc, top_k, count, confusion. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("acc1", acc1);
        m.put("acc5", acc5);
        m.put("mean_class_acc", meanClassAcc);
        m.put("top_k", topK);
        m.put("count", count);
        m.put("confusion", confusion);
        return m;
    }
}
