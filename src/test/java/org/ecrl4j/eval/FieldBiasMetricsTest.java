package org.ecrl4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Known answers for the field's bias metrics, counted by hand. */
class FieldBiasMetricsTest {
    @Test
    void contrastedAccuracyCountsRightOnTheVideoAndWrongOnItsStaticVersion() {
        long[] labels = {0, 1, 2, 0, 1};
        int[] shifted = {0, 1, 0, 0, 1}; // right, right, wrong, right, right
        int[] still = {2, 1, 2, 1, 0}; // wrong, right, right, wrong, wrong
        // contrasted: video 0 (right, static wrong), 3, 4 -> 3 of 5; video 1 is right on both (a static cue).
        assertEquals(0.6, FieldBiasMetrics.contrastedAccuracy(shifted, still, labels), 1e-12);
        assertTrue(Double.isNaN(FieldBiasMetrics.contrastedAccuracy(new int[0], new int[0], new long[0])));
        assertThrows(IllegalArgumentException.class,
                () -> FieldBiasMetrics.contrastedAccuracy(shifted, new int[] {0}, labels));
    }

    @Test
    void followsActorRateIsTheEventsShareOfEventOrSceneAnswers() {
        long[] labels = {0, 1, 2, 3, 4, 5};
        int[] home = {3, 4, 5, 0, 1, -1};
        int[] shifted = {0, 4, 5, 1, 4, 2};
        // video 0 follows the actor; 1 and 2 the scene (their background's home); 3 neither; 4 the actor;
        // 5 neither (its background's home is unknown). Actor 2, scene 2 -> 0.5.
        assertEquals(0.5, FieldBiasMetrics.followsActorRate(shifted, labels, home), 1e-12);
        assertEquals(1.0, FieldBiasMetrics.followsActorRate(new int[] {0, 1}, new long[] {0, 1}, new int[] {1, 0}), 1e-12);
        assertTrue(Double.isNaN(FieldBiasMetrics.followsActorRate(new int[] {2}, new long[] {0}, new int[] {1})));
    }

    @Test
    void staticBiasNormalisedByChanceIsZeroAtChanceAndOneWhenFullyBiased() {
        assertEquals(0, FieldBiasMetrics.normalisedStaticBias(1.0 / 6, 6), 1e-12);
        assertEquals(1, FieldBiasMetrics.normalisedStaticBias(1, 6), 1e-12);
        // 0.5 with 6 classes: (0.5 - 1/6) / (5/6) = 0.4; below chance it is negative.
        assertEquals(0.4, FieldBiasMetrics.normalisedStaticBias(0.5, 6), 1e-12);
        assertEquals(-1, FieldBiasMetrics.normalisedStaticBias(0, 2), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> FieldBiasMetrics.normalisedStaticBias(0.5, 1));
    }

    @Test
    void homeClassesComeFromTheBackgroundOnlyVideos() {
        Map<String, Integer> home = FieldBiasMetrics.homeClasses(List.of("sky", "grass", "sky", ""), new long[] {0, 3, 0, 2});
        assertEquals(Map.of("sky", 0, "grass", 3), home);
        assertEquals(List.of(2, 0), java.util.Arrays.stream(Evaluation.of(new float[] {0, 1, 5, 9, 2, 3},
                new long[] {2, 1}, 3).predictions()).boxed().toList());
    }

    @Test
    void jsonHasNullWhereAValueCannotBeComputed() {
        Map<String, Object> j = new FieldBiasMetrics(0.25, Double.NaN, 0.1).toJson();
        assertEquals(0.25, (Double) j.get("contrasted_accuracy"), 0);
        assertNull(j.get("follows_actor_rate"));
        assertEquals(List.of("contrasted_accuracy", "follows_actor_rate", "static_bias_normalised"),
                List.copyOf(j.keySet()));
    }
}
