package org.ecrl4j.dictionary;

/**
 * The back-door confounder dictionary Z (K_c, d) and its prior p (K_c), p summing to 1 (MODEL.md
 * section 3). Built once from the training set; never trained.
 *
 * @param entries K_c rows of width d
 * @param prior K_c probabilities
 * @param kind how it was built
 */
public record ConfounderDictionary(float[][] entries, float[] prior, DictionaryKind kind) {
    public ConfounderDictionary {
        if (entries.length == 0) {
            throw new IllegalArgumentException("A confounder dictionary needs at least one entry");
        }
        if (prior.length != entries.length) {
            throw new IllegalArgumentException("Prior has " + prior.length + " values for " + entries.length
                    + " entries");
        }
        int d = entries[0].length;
        double sum = 0;
        for (int i = 0; i < entries.length; i++) {
            if (entries[i].length != d) {
                throw new IllegalArgumentException("Entry " + i + " has width " + entries[i].length
                        + ", entry 0 has " + d);
            }
            if (!(prior[i] >= 0)) {
                throw new IllegalArgumentException("Prior value " + i + " is " + prior[i]);
            }
            sum += prior[i];
        }
        if (Math.abs(sum - 1) > 1e-4) {
            throw new IllegalArgumentException("Prior sums to " + sum + ", not 1");
        }
    }

    /** K_c. */
    public int size() {
        return entries.length;
    }

    /** d. */
    public int width() {
        return entries[0].length;
    }

    /** The entries flattened row-major. */
    public float[] flatEntries() {
        int d = width();
        float[] flat = new float[size() * d];
        for (int i = 0; i < size(); i++) {
            System.arraycopy(entries[i], 0, flat, i * d, d);
        }
        return flat;
    }
}
