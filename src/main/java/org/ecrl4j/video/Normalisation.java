package org.ecrl4j.video;

import java.util.Arrays;

/**
 * The per-channel normalisation of a clip's RGB values on [0, 1]: (x - mean) / std. The reference
 * values (MODEL.md section 1.4) serve the built-in backbone; an exported backbone brings its own in
 * its sidecar (for torchvision's Kinetics models mean 0.43216, 0.394666, 0.37645 and std 0.22803,
 * 0.22145, 0.216989).
 *
 * @param mean R, G, B means on [0, 1]
 * @param std R, G, B standard deviations on [0, 1], > 0
 */
public record Normalisation(float[] mean, float[] std) {
    /** MODEL.md section 1.4's values ({@link ClipTransform#MEAN}, {@link ClipTransform#STD}). */
    public static final Normalisation REFERENCE = new Normalisation(ClipTransform.MEAN, ClipTransform.STD);

    public Normalisation {
        if (mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("A normalisation needs three means and three stds (R, G, B)");
        }
        for (int c = 0; c < 3; c++) {
            if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("Bad normalisation: mean " + Arrays.toString(mean) + ", std "
                        + Arrays.toString(std) + " (finite means, stds > 0)");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalisation n && Arrays.equals(n.mean, mean) && Arrays.equals(n.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
    }
}
