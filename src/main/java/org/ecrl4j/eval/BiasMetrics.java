package org.ecrl4j.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bias metrics of the Confounded Events benchmark (BENCHMARK.md, "Metrics"), from the Acc@1 of
 * a model on its splits.
 *
 * @param biasGap Acc@1(iid) - Acc@1(bg-shift); lower is better
 * @param objectGap Acc@1(iid) - Acc@1(obj-shift); lower is better
 * @param staticBias share of {@code bg-only} videos classified as the home class of their
 *     background; an unbiased model is at chance, 1/L
 */
public record BiasMetrics(double biasGap, double objectGap, double staticBias) {
    /** The splits the metrics need. */
    public static final String IID = "iid";
    public static final String BG_SHIFT = "bg-shift";
    public static final String OBJ_SHIFT = "obj-shift";
    public static final String BG_ONLY = "bg-only";

    /**
     * Computes the metrics. In the benchmark a {@code bg-only} video is labelled with the class whose
     * home background it shows, so the static bias is that split's Acc@1.
     *
     * @param acc1 Acc@1 per split name; must hold iid, bg-shift, obj-shift and bg-only
     * @throws IllegalArgumentException naming a missing split
     */
    public static BiasMetrics of(Map<String, Double> acc1) {
        for (String s : new String[] {IID, BG_SHIFT, OBJ_SHIFT, BG_ONLY}) {
            if (!acc1.containsKey(s)) {
                throw new IllegalArgumentException("Bias metrics need the split '" + s + "' (have " + acc1.keySet()
                        + "); the annotations must be those of the built-in benchmark");
            }
        }
        return new BiasMetrics(acc1.get(IID) - acc1.get(BG_SHIFT), acc1.get(IID) - acc1.get(OBJ_SHIFT),
                acc1.get(BG_ONLY));
    }

    /** Whether the annotations have the splits these metrics need. */
    public static boolean applicable(java.util.Set<String> splits) {
        return splits.contains(IID) && splits.contains(BG_SHIFT) && splits.contains(OBJ_SHIFT) && splits.contains(BG_ONLY);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bias_gap", biasGap);
        m.put("object_gap", objectGap);
        m.put("static_bias", staticBias);
        return m;
    }
}
