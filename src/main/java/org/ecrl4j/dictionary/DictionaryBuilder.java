package org.ecrl4j.dictionary;

import java.util.Random;

/**
 * Builds the back-door confounder dictionary of MODEL.md section 3 (Table 5) and the starting
 * values of the front-door global dictionary G, from pooled training features.
 */
public final class DictionaryBuilder {
    /** PCA width before k-means (MODEL.md: "PCA of the background features, then k-means++"). */
    public static final int PCA_COMPONENTS = 32;
    /** k-means iteration cap. */
    public static final int MAX_ITERATIONS = 100;

    private DictionaryBuilder() {}

    /**
     * Builds Z and p.
     *
     * @param kind the Table 5 builder
     * @param pooledVideo (N, d) mean-pooled whole-frame features of the training videos
     * @param pooledBackground (N, d) mean-pooled background features of the same videos
     * @param labels (N) class indices
     * @param classes L
     * @param kmeansSize K_c for {@link DictionaryKind#KMEANS} (clamped to N)
     * @param seed fixes k-means++ seeding and the random dictionary
     */
    public static ConfounderDictionary build(DictionaryKind kind, float[][] pooledVideo,
            float[][] pooledBackground, int[] labels, int classes, int kmeansSize, long seed) {
        if (pooledBackground.length == 0) {
            throw new IllegalArgumentException("Cannot build a confounder dictionary from no training video");
        }
        return switch (kind) {
            case BACKGROUND -> classAverages(pooledBackground, labels, classes, kind);
            case AVERAGE -> classAverages(pooledVideo, labels, classes, kind);
            case KMEANS -> kmeans(pooledBackground, Math.min(kmeansSize, pooledBackground.length), seed);
            case RANDOM -> random(pooledBackground, classes, seed);
        };
    }

    /**
     * One entry per class present in the training set: the mean of its features; prior = class
     * frequency. Classes without a training video get no entry.
     */
    public static ConfounderDictionary classAverages(float[][] features, int[] labels, int classes,
            DictionaryKind kind) {
        if (labels.length != features.length) {
            throw new IllegalArgumentException(features.length + " feature rows but " + labels.length + " labels");
        }
        int d = features[0].length;
        double[][] sums = new double[classes][d];
        int[] counts = new int[classes];
        for (int i = 0; i < features.length; i++) {
            int c = labels[i];
            if (c < 0 || c >= classes) {
                throw new IllegalArgumentException("Label " + c + " of row " + i + " is outside [0, " + classes + ")");
            }
            counts[c]++;
            for (int j = 0; j < d; j++) {
                sums[c][j] += features[i][j];
            }
        }
        int present = 0;
        for (int c : counts) {
            present += c > 0 ? 1 : 0;
        }
        float[][] entries = new float[present][d];
        float[] prior = new float[present];
        int e = 0;
        for (int c = 0; c < classes; c++) {
            if (counts[c] == 0) {
                continue;
            }
            for (int j = 0; j < d; j++) {
                entries[e][j] = (float) (sums[c][j] / counts[c]);
            }
            prior[e++] = (float) counts[c] / features.length;
        }
        return new ConfounderDictionary(entries, normalise(prior), kind);
    }

    /** PCA then k-means++ into k clusters; entries are the clusters' means; prior = cluster frequency. */
    public static ConfounderDictionary kmeans(float[][] features, int k, long seed) {
        Clustering.Result r = Clustering.cluster(features, k, PCA_COMPONENTS, seed, MAX_ITERATIONS);
        float[] prior = new float[r.sizes().length];
        for (int c = 0; c < prior.length; c++) {
            prior[c] = (float) r.sizes()[c] / features.length;
        }
        return new ConfounderDictionary(r.centres(), normalise(prior), DictionaryKind.KMEANS);
    }

    /** k Gaussian vectors with the features' per-dimension mean and standard deviation; uniform prior. */
    public static ConfounderDictionary random(float[][] features, int k, long seed) {
        int d = features[0].length;
        double[] mean = new double[d];
        double[] sq = new double[d];
        for (float[] f : features) {
            for (int j = 0; j < d; j++) {
                mean[j] += f[j];
                sq[j] += (double) f[j] * f[j];
            }
        }
        Random rng = new Random(seed);
        float[][] entries = new float[k][d];
        for (int j = 0; j < d; j++) {
            double m = mean[j] / features.length;
            double sd = Math.sqrt(Math.max(0, sq[j] / features.length - m * m));
            for (int i = 0; i < k; i++) {
                entries[i][j] = (float) (m + sd * rng.nextGaussian());
            }
        }
        float[] prior = new float[k];
        java.util.Arrays.fill(prior, 1f / k);
        return new ConfounderDictionary(entries, normalise(prior), DictionaryKind.RANDOM);
    }

    /**
     * Starting values of the global dictionary G (K_g, d): k-means++ centres of the given frame
     * features (after PCA). When there are fewer distinct rows than K_g, the remaining entries are
     * rows drawn at random plus Gaussian noise of 1% of the features' spread, so every entry differs.
     *
     * @return K_g rows of width d
     */
    public static float[][] globalDictionary(float[][] frameFeatures, int globalEntries, long seed) {
        int n = frameFeatures.length;
        int d = frameFeatures[0].length;
        int k = Math.min(globalEntries, n);
        float[][] centres = Clustering.cluster(frameFeatures, k, PCA_COMPONENTS, seed, MAX_ITERATIONS).centres();
        if (centres.length == globalEntries) {
            return centres;
        }
        float[][] out = java.util.Arrays.copyOf(centres, globalEntries);
        double spread = 0;
        for (float[] f : frameFeatures) {
            for (float v : f) {
                spread += (double) v * v;
            }
        }
        spread = Math.sqrt(spread / ((double) n * d));
        Random rng = new Random(seed ^ 0x9E3779B97F4A7C15L);
        for (int i = centres.length; i < globalEntries; i++) {
            float[] base = frameFeatures[rng.nextInt(n)];
            out[i] = new float[d];
            for (int j = 0; j < d; j++) {
                out[i][j] = (float) (base[j] + 0.01 * spread * rng.nextGaussian());
            }
        }
        return out;
    }

    private static float[] normalise(float[] prior) {
        double s = 0;
        for (float p : prior) {
            s += p;
        }
        for (int i = 0; i < prior.length; i++) {
            prior[i] = (float) (prior[i] / s);
        }
        return prior;
    }
}
