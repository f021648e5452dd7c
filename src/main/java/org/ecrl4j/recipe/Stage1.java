package org.ecrl4j.recipe;

/** How a recipe's stage-1 encoder is trained (MODEL.md section 5). */
public enum Stage1 {
    /** The plain classifier on whole clips (ECRL's stage 1). */
    PLAIN,
    /** The plain classifier with the recipe's background swap on whole clips (base-swap, ecrl-plus). */
    SWAP_ALWAYS,
    /** M_s of the paper's separate encoders: a plain classifier on the foreground stream S. */
    FOREGROUND,
    /** M_c of the paper's separate encoders: a plain classifier on the background stream C. */
    BACKGROUND
}
