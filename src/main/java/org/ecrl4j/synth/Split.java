package org.ecrl4j.synth;

import java.util.Arrays;

/**
 * The splits of the benchmark with their default number of videos per class (BENCHMARK.md). The
 * counts scale with {@code --per-class} (the size of {@code train}, 60 by default).
 */
public enum Split {
    /** Confounded training set: home background with probability bgBias, home shape with objBias. */
    TRAIN("train", 60),
    /** Drawn like train. */
    VAL("val", 20),
    /** Backgrounds and shapes uniform: trains the ceiling. */
    TRAIN_UNBIASED("train-unbiased", 60),
    /** Test, drawn like train. */
    IID("iid", 30),
    /** Test: the background is never the class's home family. */
    BG_SHIFT("bg-shift", 30),
    /** Test: the shape is never the class's home shape. */
    OBJ_SHIFT("obj-shift", 30),
    /** Static-bias probe: the home background of the labelled class, a static object or none, no event. */
    BG_ONLY("bg-only", 20);

    /** The train count per class the defaults are given for. */
    public static final int DEFAULT_PER_CLASS = 60;

    private final String label;
    private final int defaultCount;

    Split(String label, int defaultCount) {
        this.label = label;
        this.defaultCount = defaultCount;
    }

    /** The split's name in the annotations and folder names. */
    public String label() {
        return label;
    }

    /** Videos per class in this split when train has {@code perClass}: the default scaled, at least 1. */
    public int countPerClass(int perClass) {
        if (perClass == DEFAULT_PER_CLASS) {
            return defaultCount;
        }
        return Math.max(1, (int) Math.round(defaultCount * (double) perClass / DEFAULT_PER_CLASS));
    }

    /** The split with this name. */
    public static Split ofLabel(String label) {
        for (Split s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown split '" + label + "'; known: "
                + Arrays.stream(values()).map(Split::label).toList());
    }
}
