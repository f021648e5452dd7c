package org.ecrl4j.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The field's static-bias metrics, beside the benchmark's own ({@link BiasMetrics}; MODEL.md 7,
 * BENCHMARK.md "Metrics"), from per-video predictions.
 *
 * <ul>
 *   <li><b>contrasted accuracy</b> (SCUBA/SCUFO, Li et al., StillMix, ICCV 2023): the share of the
 *       {@code bg-shift} videos that are classified right and whose static version is classified
 *       wrong. The static version of a video is SCUFO's: one frame of it repeated T times (its
 *       background and its still object, no event), with the empty saliency a motion method gives a
 *       still clip. A model that reads the event scores high; one that reads the static scene (or a
 *       still object) scores low. Higher is better.</li>
 *   <li><b>follows-actor rate</b> (HAT, Chung et al., NeurIPS 2022 Datasets and Benchmarks): of the
 *       {@code bg-shift} predictions that are either the video's event class or the home class of its
 *       background, the share that are the event class. 1 follows the actor, 0 the scene; NaN when no
 *       prediction is either. Higher is better.</li>
 *   <li><b>chance-normalised static bias</b>: (static bias - 1/L) / (1 - 1/L), so 0 is chance (an
 *       unbiased model) and 1 is a model that names the home class of every {@code bg-only} video's
 *       background; negative below chance. Lower is better.</li>
 * </ul>
 *
 * @param contrastedAccuracy in [0, 1]
 * @param followsActorRate in [0, 1], or NaN (null in JSON)
 * @param normalisedStaticBias at most 1
 */
public record FieldBiasMetrics(double contrastedAccuracy, double followsActorRate, double normalisedStaticBias) {
    /** The annotation column that names a benchmark video's background family. */
    public static final String BACKGROUND = "background";

    /**
     * Computes the three metrics.
     *
     * @param shifted the predicted class of every bg-shift video
     * @param staticVersion the predicted class of each bg-shift video's static version, same order
     * @param labels the event class of every bg-shift video
     * @param backgroundHome the home class of every bg-shift video's background (-1 when unknown)
     * @param staticBias the benchmark's static bias (Acc@1 on bg-only)
     * @param classes L
     */
    public static FieldBiasMetrics of(int[] shifted, int[] staticVersion, long[] labels, int[] backgroundHome,
            double staticBias, int classes) {
        return new FieldBiasMetrics(contrastedAccuracy(shifted, staticVersion, labels),
                followsActorRate(shifted, labels, backgroundHome), normalisedStaticBias(staticBias, classes));
    }

    /** The share of videos right on themselves and wrong on their static version. */
    public static double contrastedAccuracy(int[] shifted, int[] staticVersion, long[] labels) {
        requireSameLength(shifted.length, staticVersion.length, labels.length);
        if (labels.length == 0) {
            return Double.NaN;
        }
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (shifted[i] == labels[i] && staticVersion[i] != labels[i]) {
                n++;
            }
        }
        return (double) n / labels.length;
    }

    /** Of the predictions that are the event class or the background's home class, the share that are the event. */
    public static double followsActorRate(int[] shifted, long[] labels, int[] backgroundHome) {
        requireSameLength(shifted.length, labels.length, backgroundHome.length);
        int actor = 0;
        int scene = 0;
        for (int i = 0; i < labels.length; i++) {
            if (shifted[i] == labels[i]) {
                actor++;
            } else if (backgroundHome[i] >= 0 && shifted[i] == backgroundHome[i]) {
                scene++;
            }
        }
        return actor + scene == 0 ? Double.NaN : (double) actor / (actor + scene);
    }

    /** (static bias - 1/L) / (1 - 1/L). */
    public static double normalisedStaticBias(double staticBias, int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("chance-normalised static bias needs at least 2 classes, got " + classes);
        }
        double chance = 1.0 / classes;
        return (staticBias - chance) / (1 - chance);
    }

    /**
     * The home class of each background family, read from the {@code bg-only} videos (each labelled
     * with the class whose home background it shows): background name to class index.
     *
     * @param backgrounds the background of each bg-only video
     * @param labels their labels
     */
    public static Map<String, Integer> homeClasses(List<String> backgrounds, long[] labels) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i++) {
            String b = backgrounds.get(i);
            if (b != null && !b.isEmpty()) {
                out.putIfAbsent(b, (int) labels[i]);
            }
        }
        return out;
    }

    /** NaN is not JSON: a value that could not be computed is written as null. */
    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static void requireSameLength(int... n) {
        for (int x : n) {
            if (x != n[0]) {
                throw new IllegalArgumentException("per-video arrays of different lengths: " + java.util.Arrays.toString(n));
            }
        }
    }

    /** The JSON form: contrasted_accuracy, follows_actor_rate, static_bias_normalised. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("contrasted_accuracy", finiteOrNull(contrastedAccuracy));
        m.put("follows_actor_rate", finiteOrNull(followsActorRate));
        m.put("static_bias_normalised", finiteOrNull(normalisedStaticBias));
        return m;
    }
}
