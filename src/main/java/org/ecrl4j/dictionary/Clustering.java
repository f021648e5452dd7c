package org.ecrl4j.dictionary;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.Clusterable;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.random.JDKRandomGenerator;

/**
 * PCA (Apache Commons Math's SVD) followed by k-means++ (its {@code KMeansPlusPlusClusterer}),
 * with each cluster summarised by the mean of its members' original features.
 */
public final class Clustering {
    private Clustering() {}

    /** The result of {@link #cluster}: centres in the original space and cluster sizes. */
    public record Result(float[][] centres, int[] sizes, int[] assignment) {}

    /** One point to cluster, remembering its row. */
    private record Point(int row, double[] coords) implements Clusterable {
        @Override
        public double[] getPoint() {
            return coords;
        }
    }

    /**
     * Projects the rows onto their first {@code components} principal axes.
     *
     * @param rows n rows of width d
     * @param components at most min(n, d)
     * @return n rows of width {@code components}
     */
    public static double[][] pca(float[][] rows, int components) {
        int n = rows.length;
        int d = rows[0].length;
        double[] mean = new double[d];
        for (float[] r : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j] / (double) n;
            }
        }
        double[][] centred = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                centred[i][j] = rows[i][j] - mean[j];
            }
        }
        RealMatrix x = new Array2DRowRealMatrix(centred, false);
        SingularValueDecomposition svd = new SingularValueDecomposition(x);
        RealMatrix v = svd.getV(); // (d, r), columns by decreasing singular value
        int k = Math.min(components, v.getColumnDimension());
        return x.multiply(v.getSubMatrix(0, d - 1, 0, k - 1)).getData();
    }

    /**
     * Clusters the rows with k-means++ after an optional PCA.
     *
     * @param rows n rows of width d
     * @param k the number of clusters, at most n
     * @param pcaComponents project onto this many principal axes first (0: cluster the raw rows)
     * @param seed fixes the k-means++ seeding
     * @param maxIterations k-means iteration cap
     */
    public static Result cluster(float[][] rows, int k, int pcaComponents, long seed, int maxIterations) {
        int n = rows.length;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k-means needs 1 <= k <= n, got k=" + k + " for n=" + n + " rows");
        }
        int d = rows[0].length;
        double[][] coords;
        if (pcaComponents > 0 && pcaComponents < d) {
            coords = pca(rows, Math.min(pcaComponents, n));
        } else {
            coords = new double[n][];
            for (int i = 0; i < n; i++) {
                coords[i] = toDouble(rows[i]);
            }
        }
        List<Point> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            points.add(new Point(i, coords[i]));
        }
        JDKRandomGenerator random = new JDKRandomGenerator();
        random.setSeed(seed);
        KMeansPlusPlusClusterer<Point> clusterer = new KMeansPlusPlusClusterer<>(k, maxIterations,
                new org.apache.commons.math3.ml.distance.EuclideanDistance(), random);
        List<CentroidCluster<Point>> clusters = clusterer.cluster(points);
        float[][] centres = new float[clusters.size()][d];
        int[] sizes = new int[clusters.size()];
        int[] assignment = new int[n];
        for (int c = 0; c < clusters.size(); c++) {
            List<Point> members = clusters.get(c).getPoints();
            sizes[c] = members.size();
            double[] sum = new double[d];
            for (Point p : members) {
                assignment[p.row()] = c;
                for (int j = 0; j < d; j++) {
                    sum[j] += rows[p.row()][j];
                }
            }
            for (int j = 0; j < d; j++) {
                centres[c][j] = (float) (sum[j] / Math.max(1, members.size()));
            }
        }
        return new Result(centres, sizes, assignment);
    }

    static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
