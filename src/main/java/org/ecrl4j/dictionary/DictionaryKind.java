package org.ecrl4j.dictionary;

/** How the back-door confounder dictionary Z and its prior are built (MODEL.md section 3, Table 5). */
public enum DictionaryKind {
    /** Class averages of the background stream's pooled features; prior = class frequency. */
    BACKGROUND,
    /** PCA of the background features, then k-means++; entries are cluster means; prior = cluster frequency. */
    KMEANS,
    /** Class averages of the whole-frame stream's pooled features; prior = class frequency. */
    AVERAGE,
    /** Gaussian vectors with the background features' mean and standard deviation; uniform prior. */
    RANDOM;

    /** The option spelling. */
    public String optionName() {
        return name().toLowerCase();
    }
}
