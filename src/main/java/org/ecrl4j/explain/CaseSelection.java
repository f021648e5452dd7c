package org.ecrl4j.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the test videos of Fig. 7: one video of each case of base versus ECRL, when it exists.
 */
public final class CaseSelection {
    /** How base and ECRL fare on one video. */
    public enum Case {
        BOTH_RIGHT("both right"), BOTH_WRONG("both wrong"), ONLY_ECRL_RIGHT("only ECRL right"),
        ONLY_BASE_RIGHT("only base right"), RIGHT("right"), WRONG("wrong");

        private final String label;

        Case(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private CaseSelection() {}

    /** The arg-max of each row of flattened (N, L) logits. */
    public static int[] argmax(float[] logits, int classes) {
        int n = logits.length / classes;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[i * classes + c] > logits[i * classes + best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /**
     * The first video (lowest index) of each case, in the order of {@link Case}. With no base model
     * ({@code base == null}) the cases are ECRL right and ECRL wrong.
     *
     * @return case -> index of the chosen video; cases without a video are absent
     */
    public static Map<Case, Integer> pick(int[] ecrl, int[] base, long[] labels) {
        Map<Case, Integer> chosen = new LinkedHashMap<>();
        List<Case> order = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            Case c = classify(ecrl[i] == labels[i], base == null ? null : base[i] == labels[i]);
            chosen.putIfAbsent(c, i);
        }
        for (Case c : Case.values()) {
            if (chosen.containsKey(c)) {
                order.add(c);
            }
        }
        Map<Case, Integer> sorted = new LinkedHashMap<>();
        for (Case c : order) {
            sorted.put(c, chosen.get(c));
        }
        return sorted;
    }

    static Case classify(boolean ecrlRight, Boolean baseRight) {
        if (baseRight == null) {
            return ecrlRight ? Case.RIGHT : Case.WRONG;
        }
        if (ecrlRight) {
            return baseRight ? Case.BOTH_RIGHT : Case.ONLY_ECRL_RIGHT;
        }
        return baseRight ? Case.ONLY_BASE_RIGHT : Case.BOTH_WRONG;
    }

    /** Softmax of row {@code i} of flattened logits. */
    public static double[] softmax(float[] logits, int i, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits[i * classes + c]);
        }
        double[] p = new double[classes];
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            p[c] = Math.exp(logits[i * classes + c] - max);
            sum += p[c];
        }
        for (int c = 0; c < classes; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /** Indices of the k largest values, largest first (ties: lower index first). */
    public static int[] topK(double[] p, int k) {
        Integer[] idx = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        int[] out = new int[Math.min(k, p.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
