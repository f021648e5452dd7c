package org.ecrl4j.explain;

import java.util.SplittableRandom;

/**
 * Exact t-SNE (van der Maaten and Hinton, JMLR 2008): embeds N points in 2-D so that the Student-t
 * affinities of the embedding match the Gaussian affinities of the input. O(N^2) time and memory per
 * iteration, which suits the few hundred test videos a report shows.
 *
 * <p>The input affinities use one Gaussian bandwidth per point, found by bisection so that the
 * conditional distribution's perplexity 2^H (H in bits; here e^H with H in nats) equals
 * {@link Options#perplexity()}. Optimisation follows the reference implementation: early exaggeration
 * (x12) for the first 250 iterations, momentum 0.5 then 0.8, per-coordinate adaptive gains.
 */
public final class Tsne {
    private static final int EXAGGERATION_ITERS = 250;
    private static final double EXAGGERATION = 12.0;

    private Tsne() {}

    /**
     * Settings.
     *
     * @param perplexity effective number of neighbours (5-50 usual); lowered to (N-1)/3 for small N
     * @param iterations gradient steps (1000 usual)
     * @param learningRate step size (200 usual)
     * @param seed fixes the initial embedding
     */
    public record Options(double perplexity, int iterations, double learningRate, long seed) {
        public Options {
            if (!(perplexity > 1)) {
                throw new IllegalArgumentException("t-SNE perplexity must be > 1, got " + perplexity);
            }
            if (iterations < 1) {
                throw new IllegalArgumentException("t-SNE iterations must be >= 1, got " + iterations);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("t-SNE learning rate must be > 0, got " + learningRate);
            }
        }

        /** Perplexity 30, 1000 iterations, learning rate 200. */
        public static Options defaults(long seed) {
            return new Options(30, 1000, 200, seed);
        }
    }

    /**
     * Embeds the rows of {@code x} in 2-D.
     *
     * @param x N rows of D features (N >= 2)
     * @return N rows of 2 coordinates, centred on the origin
     */
    public static double[][] embed(double[][] x, Options options) {
        int n = x.length;
        if (n < 2) {
            throw new IllegalArgumentException("t-SNE needs at least 2 points, got " + n);
        }
        double perplexity = Math.min(options.perplexity(), Math.max(1.5, (n - 1) / 3.0));
        double[][] p = jointAffinities(squaredDistances(x), perplexity);
        SplittableRandom rnd = new SplittableRandom(options.seed());
        double[][] y = new double[n][2];
        for (double[] row : y) {
            row[0] = gaussian(rnd) * 1e-4;
            row[1] = gaussian(rnd) * 1e-4;
        }
        double[][] velocity = new double[n][2];
        double[][] gains = new double[n][2];
        for (double[] g : gains) {
            g[0] = 1;
            g[1] = 1;
        }
        double[][] num = new double[n][n];
        double[][] grad = new double[n][2];
        for (int iter = 0; iter < options.iterations(); iter++) {
            double exaggeration = iter < EXAGGERATION_ITERS ? EXAGGERATION : 1.0;
            double momentum = iter < EXAGGERATION_ITERS ? 0.5 : 0.8;
            double sumNum = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double dx = y[i][0] - y[j][0];
                    double dy = y[i][1] - y[j][1];
                    double q = 1.0 / (1.0 + dx * dx + dy * dy);
                    num[i][j] = q;
                    num[j][i] = q;
                    sumNum += 2 * q;
                }
            }
            // dC/dy_i = 4 sum_j (p_ij - q_ij) (1 + |y_i - y_j|^2)^-1 (y_i - y_j)
            for (int i = 0; i < n; i++) {
                double gx = 0;
                double gy = 0;
                for (int j = 0; j < n; j++) {
                    if (j == i) {
                        continue;
                    }
                    double mult = (exaggeration * p[i][j] - num[i][j] / sumNum) * num[i][j];
                    gx += mult * (y[i][0] - y[j][0]);
                    gy += mult * (y[i][1] - y[j][1]);
                }
                grad[i][0] = 4 * gx;
                grad[i][1] = 4 * gy;
            }
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 2; k++) {
                    boolean sameSign = (grad[i][k] > 0) == (velocity[i][k] > 0);
                    gains[i][k] = Math.max(0.01, sameSign ? gains[i][k] * 0.8 : gains[i][k] + 0.2);
                    velocity[i][k] = momentum * velocity[i][k] - options.learningRate() * gains[i][k] * grad[i][k];
                    y[i][k] += velocity[i][k];
                }
            }
            centre(y);
        }
        return y;
    }

    /** Kullback-Leibler divergence KL(P || Q) of an embedding, for tests and diagnostics. */
    public static double klDivergence(double[][] x, double[][] y, double perplexity) {
        int n = x.length;
        double[][] p = jointAffinities(squaredDistances(x), Math.min(perplexity, Math.max(1.5, (n - 1) / 3.0)));
        double[][] d = squaredDistances(y);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    sum += 1.0 / (1.0 + d[i][j]);
                }
            }
        }
        double kl = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j && p[i][j] > 0) {
                    double q = Math.max(1e-300, 1.0 / (1.0 + d[i][j]) / sum);
                    kl += p[i][j] * Math.log(p[i][j] / q);
                }
            }
        }
        return kl;
    }

    /** Symmetrised affinities p_ij = (p_j|i + p_i|j) / 2N, floored at 1e-12. */
    static double[][] jointAffinities(double[][] sqDist, double perplexity) {
        int n = sqDist.length;
        double[][] cond = new double[n][];
        for (int i = 0; i < n; i++) {
            cond[i] = conditional(sqDist[i], i, perplexity);
        }
        double[][] p = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                p[i][j] = i == j ? 0 : Math.max(1e-12, (cond[i][j] + cond[j][i]) / (2.0 * n));
            }
        }
        return p;
    }

    /**
     * The conditional distribution p_j|i = exp(-beta d_ij) / sum_k exp(-beta d_ik) (p_i|i = 0) whose
     * entropy is ln(perplexity), beta found by bisection to 1e-5 in entropy.
     *
     * @param sqDistRow squared distances from point {@code self} to every point
     */
    static double[] conditional(double[] sqDistRow, int self, double perplexity) {
        double target = Math.log(perplexity);
        double beta = 1;
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        // Distances relative to the nearest neighbour keep exp() away from underflow.
        double min = Double.POSITIVE_INFINITY;
        for (int j = 0; j < sqDistRow.length; j++) {
            if (j != self) {
                min = Math.min(min, sqDistRow[j]);
            }
        }
        double[] p = new double[sqDistRow.length];
        for (int step = 0; step < 200; step++) {
            double h = fill(sqDistRow, self, min, beta, p);
            double diff = h - target;
            if (Math.abs(diff) < 1e-5) {
                break;
            }
            if (diff > 0) { // too flat: sharpen
                lo = beta;
                beta = hi == Double.POSITIVE_INFINITY ? beta * 2 : (beta + hi) / 2;
            } else {
                hi = beta;
                beta = lo == Double.NEGATIVE_INFINITY ? beta / 2 : (beta + lo) / 2;
            }
        }
        return p;
    }

    /** Entropy (nats) of a distribution, ignoring zeros. */
    static double entropy(double[] p) {
        double h = 0;
        for (double v : p) {
            if (v > 0) {
                h -= v * Math.log(v);
            }
        }
        return h;
    }

    /** Fills p with the normalised Gaussian row for {@code beta}; returns its entropy in nats. */
    private static double fill(double[] d, int self, double shift, double beta, double[] p) {
        double sum = 0;
        for (int j = 0; j < d.length; j++) {
            p[j] = j == self ? 0 : Math.exp(-beta * (d[j] - shift));
            sum += p[j];
        }
        for (int j = 0; j < d.length; j++) {
            p[j] /= sum;
        }
        return entropy(p);
    }

    static double[][] squaredDistances(double[][] x) {
        int n = x.length;
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int k = 0; k < x[i].length; k++) {
                    double diff = x[i][k] - x[j][k];
                    s += diff * diff;
                }
                d[i][j] = s;
                d[j][i] = s;
            }
        }
        return d;
    }

    private static void centre(double[][] y) {
        double mx = 0;
        double my = 0;
        for (double[] r : y) {
            mx += r[0];
            my += r[1];
        }
        mx /= y.length;
        my /= y.length;
        for (double[] r : y) {
            r[0] -= mx;
            r[1] -= my;
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = 1 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
