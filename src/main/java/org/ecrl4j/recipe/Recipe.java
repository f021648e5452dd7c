package org.ecrl4j.recipe;

import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.saliency.SplitOptions;

/**
 * One named way to train a model: the head, how its stage-1 encoder is trained, how clips are split
 * into V, S and C, and the background swap (MODEL.md sections 5, 6 and 6b).
 *
 * @param name the recipe's name ({@code --config} value, demo model or ablation row label)
 * @param head the head configuration
 * @param stage1 how the stage-1 encoder is trained
 * @param split how clips are split into the foreground and background streams
 * @param swap background swap probability of stage 1 (and of stage 2 on videos)
 * @param swappedCopies whether one background-swapped copy of every training video joins the head's
 *     training features
 */
public record Recipe(String name, HeadConfig head, Stage1 stage1, SplitOptions split, double swap,
        boolean swappedCopies) {
    /** The name of the default recipe ({@link Recipes#defaultRecipe()}), for option defaults. */
    public static final String DEFAULT = "ecrl-plus";

    public Recipe {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a recipe needs a name");
        }
        if (head == null || stage1 == null || split == null) {
            throw new IllegalArgumentException("recipe " + name + ": head, stage 1 and split are required");
        }
        if (!(swap >= 0 && swap <= 1)) {
            throw new IllegalArgumentException("recipe " + name + ": swap probability must be in [0, 1], got " + swap);
        }
    }

    /** The same recipe under another name (an ablation row label). */
    public Recipe named(String label) {
        return new Recipe(label, head, stage1, split, swap, swappedCopies);
    }

    /** The same recipe with another head. */
    public Recipe withHead(HeadConfig h) {
        return new Recipe(name, h, stage1, split, swap, swappedCopies);
    }
}
