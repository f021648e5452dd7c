package org.ecrl4j.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TsneTest {
    /** Three Gaussian clusters in 10-D, 10 sigma apart; label = index % 3. */
    static double[][] clusters(int perCluster, long seed) {
        Random r = new Random(seed);
        double[][] centres = new double[3][10];
        for (int c = 0; c < 3; c++) {
            centres[c][c] = 10;
        }
        double[][] x = new double[3 * perCluster][10];
        for (int i = 0; i < x.length; i++) {
            for (int k = 0; k < 10; k++) {
                x[i][k] = centres[i % 3][k] + r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void perplexityCalibrationHitsTheTargetEntropy() {
        Random r = new Random(3);
        double[] d = new double[40];
        for (int j = 0; j < d.length; j++) {
            d[j] = r.nextDouble() * 50;
        }
        for (double perplexity : new double[] {2, 5, 15, 30}) {
            double[] p = Tsne.conditional(d, 7, perplexity);
            assertEquals(0, p[7], 0, "p_i|i is 0");
            double sum = 0;
            for (double v : p) {
                sum += v;
            }
            assertEquals(1, sum, 1e-9);
            assertEquals(Math.log(perplexity), Tsne.entropy(p), 1e-4, "perplexity " + perplexity);
        }
        // Known answer: equal distances give the uniform distribution over the other points.
        double[] flat = new double[5];
        java.util.Arrays.fill(flat, 2.0);
        double[] uniform = Tsne.conditional(flat, 0, 3);
        assertArrayEquals(new double[] {0, 0.25, 0.25, 0.25, 0.25}, uniform, 1e-12);
    }

    @Test
    void jointAffinitiesAreSymmetricAndSumToOne() {
        double[][] x = clusters(5, 1);
        double[][] p = Tsne.jointAffinities(Tsne.squaredDistances(x), 4);
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < p.length; j++) {
                assertEquals(p[i][j], p[j][i], 1e-15);
                sum += p[i][j];
            }
        }
        assertEquals(1, sum, 1e-6);
    }

    @Test
    void wellSeparatedClustersStaySeparated() {
        double[][] x = clusters(20, 2);
        Tsne.Options o = new Tsne.Options(10, 1000, 200, 7);
        double[][] y = Tsne.embed(x, o);
        assertEquals(60, y.length);
        // Every point's nearest neighbour in the embedding is from its own cluster, and the clusters'
        // smallest gap exceeds three times their mean within-cluster distance.
        double[][] d = Tsne.squaredDistances(y);
        double within = 0;
        int pairs = 0;
        double between = Double.POSITIVE_INFINITY;
        for (int i = 0; i < y.length; i++) {
            int nearest = -1;
            for (int j = 0; j < y.length; j++) {
                if (j != i && (nearest < 0 || d[i][j] < d[i][nearest])) {
                    nearest = j;
                }
                if (j > i) {
                    if (i % 3 == j % 3) {
                        within += Math.sqrt(d[i][j]);
                        pairs++;
                    } else {
                        between = Math.min(between, Math.sqrt(d[i][j]));
                    }
                }
            }
            assertEquals(i % 3, nearest % 3, "nearest neighbour of point " + i);
        }
        assertTrue(between > 3 * within / pairs, "gap " + between + " vs mean within " + within / pairs);
        // The optimisation lowers the cost: the result beats a random embedding by far.
        Random r = new Random(5);
        double[][] random = new double[60][2];
        for (double[] row : random) {
            row[0] = r.nextGaussian();
            row[1] = r.nextGaussian();
        }
        double kl = Tsne.klDivergence(x, y, 10);
        assertTrue(kl < 0.5 * Tsne.klDivergence(x, random, 10), "KL " + kl);
        // Reproducible.
        assertArrayEquals(y[5], Tsne.embed(x, o)[5], 0);
    }

    @Test
    void badSettingsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Tsne.Options(1, 10, 10, 0)).getMessage()
                .contains("perplexity"));
        assertThrows(IllegalArgumentException.class, () -> Tsne.embed(new double[1][3], Tsne.Options.defaults(0)));
    }
}
