package org.ecrl4j.dictionary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DictionaryBuilderTest {
    /** Three planted clusters in 40 dimensions, 30 points each, spread 0.1 around centres 10 apart. */
    static float[][] planted(long seed, float[][] centresOut, int[] truth) {
        Random r = new Random(seed);
        int d = 40;
        for (int c = 0; c < 3; c++) {
            for (int j = 0; j < d; j++) {
                centresOut[c][j] = (float) (r.nextGaussian() * 10);
            }
        }
        float[][] rows = new float[90][d];
        for (int i = 0; i < 90; i++) {
            truth[i] = i % 3;
            for (int j = 0; j < d; j++) {
                rows[i][j] = centresOut[i % 3][j] + (float) (r.nextGaussian() * 0.1);
            }
        }
        return rows;
    }

    @Test
    void kmeansRecoversPlantedClusters() {
        float[][] centres = new float[3][40];
        int[] truth = new int[90];
        float[][] rows = planted(1, centres, truth);
        Clustering.Result r = Clustering.cluster(rows, 3, DictionaryBuilder.PCA_COMPONENTS, 42, 100);
        // Every cluster is exactly one planted group: same assignment within a group, different across.
        for (int i = 0; i < 90; i++) {
            assertEquals(r.assignment()[truth[i]], r.assignment()[i], "row " + i);
        }
        assertTrue(r.assignment()[0] != r.assignment()[1] && r.assignment()[1] != r.assignment()[2]
                && r.assignment()[0] != r.assignment()[2]);
        // Centres are the planted centres up to the noise.
        for (int c = 0; c < 3; c++) {
            float[] found = r.centres()[r.assignment()[c]];
            for (int j = 0; j < 40; j++) {
                assertEquals(centres[c][j], found[j], 0.1f);
            }
        }
        ConfounderDictionary dict = DictionaryBuilder.kmeans(rows, 3, 42);
        assertArrayEquals(new float[] {1f / 3, 1f / 3, 1f / 3}, dict.prior(), 1e-6f);
    }

    @ParameterizedTest
    @EnumSource(DictionaryKind.class)
    void priorsSumToOneAndSameSeedGivesSameDictionary(DictionaryKind kind) {
        float[][] centres = new float[3][40];
        int[] truth = new int[90];
        float[][] video = planted(2, centres, truth);
        float[][] background = planted(3, new float[3][40], new int[90]);
        int[] labels = new int[90];
        for (int i = 0; i < 90; i++) {
            labels[i] = i < 60 ? 0 : (i < 80 ? 1 : 3); // class 2 absent, unbalanced
        }
        ConfounderDictionary a = DictionaryBuilder.build(kind, video, background, labels, 4, 5, 7);
        ConfounderDictionary b = DictionaryBuilder.build(kind, video, background, labels, 4, 5, 7);
        double sum = 0;
        for (float p : a.prior()) {
            sum += p;
        }
        assertEquals(1.0, sum, 1e-5);
        assertEquals(40, a.width());
        assertArrayEquals(a.flatEntries(), b.flatEntries(), 0f);
        assertArrayEquals(a.prior(), b.prior(), 0f);
        switch (kind) {
            case BACKGROUND, AVERAGE -> {
                assertEquals(3, a.size()); // one entry per class present
                assertArrayEquals(new float[] {60f / 90, 20f / 90, 10f / 90}, a.prior(), 1e-6f);
            }
            case KMEANS -> assertEquals(5, a.size());
            case RANDOM -> {
                assertEquals(4, a.size());
                assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, a.prior(), 1e-6f);
                ConfounderDictionary other = DictionaryBuilder.build(kind, video, background, labels, 4, 5, 8);
                assertTrue(other.entries()[0][0] != a.entries()[0][0], "another seed, another dictionary");
            }
        }
    }

    @Test
    void classAveragesKnownAnswer() {
        float[][] f = {{1, 2}, {3, 4}, {10, 0}};
        ConfounderDictionary d = DictionaryBuilder.classAverages(f, new int[] {0, 0, 1}, 2, DictionaryKind.BACKGROUND);
        assertArrayEquals(new float[] {2, 3}, d.entries()[0], 0f);
        assertArrayEquals(new float[] {10, 0}, d.entries()[1], 0f);
        assertArrayEquals(new float[] {2f / 3, 1f / 3}, d.prior(), 1e-6f);
        assertThrows(IllegalArgumentException.class,
                () -> DictionaryBuilder.classAverages(f, new int[] {0, 0, 2}, 2, DictionaryKind.BACKGROUND));
    }

    @Test
    void globalDictionaryHasKgDistinctRowsEvenFromFewFeatures() {
        float[][] centres = new float[3][40];
        float[][] rows = planted(4, centres, new int[90]);
        float[][] g = DictionaryBuilder.globalDictionary(rows, 120, 1);
        assertEquals(120, g.length);
        java.util.Set<String> distinct = new java.util.HashSet<>();
        for (float[] row : g) {
            distinct.add(java.util.Arrays.toString(row));
        }
        assertEquals(120, distinct.size());
        float[][] again = DictionaryBuilder.globalDictionary(rows, 120, 1);
        for (int i = 0; i < 120; i++) {
            assertArrayEquals(g[i], again[i], 0f);
        }
    }

    @Test
    void priorMustSumToOne() {
        assertThrows(IllegalArgumentException.class, () -> new ConfounderDictionary(
                new float[][] {{1}, {2}}, new float[] {0.5f, 0.6f}, DictionaryKind.BACKGROUND));
    }
}
