package org.ecrl4j.recipe;

import java.util.ArrayList;
import java.util.List;
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

    /**
     * The recipe's full configuration in one line, e.g. {@code head fcm-bcm-tsc-bd: video-logit,
     * branch joint, cross-frame ccm-tsc, back-door (dot attention, mu, prior, background dictionary);
     * stage 1 plain; split paper; swap 0}: what an ablation row really trained.
     */
    public String describe() {
        HeadConfig h = head;
        List<String> parts = new ArrayList<>();
        if (h.videoLogit()) {
            parts.add("video-logit");
        }
        if (h.branch() != org.ecrl4j.nn.Branch.NONE) {
            parts.add("branch " + lower(h.branch()));
            parts.add("cross-frame " + lower(h.crossFrame()).replace('_', '-'));
        }
        if (h.backdoor()) {
            parts.add("back-door (" + lower(h.bdAttention()) + " attention, " + (h.useMu() ? "mu" : "without mu")
                    + ", " + (h.usePrior() ? "prior" : "without prior") + ", " + h.dictionary().optionName()
                    + " dictionary" + (h.dictionary() == org.ecrl4j.dictionary.DictionaryKind.KMEANS
                            ? " K_c=" + h.confounders() : "") + ")");
        }
        if (h.frontdoor()) {
            parts.add("front-door (glca-stream " + lower(h.glcaStream()) + ", K_g=" + h.globalEntries() + ")");
        }
        return "head " + h.name() + ": " + String.join(", ", parts) + "; stage 1 " + lower(stage1)
                + "; split " + (split.equals(SplitOptions.PAPER) ? "paper" : split.equals(SplitOptions.PLUS) ? "plus"
                        : split.toString()) + "; swap " + swap + (swappedCopies ? " with swapped copies" : "");
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }
}
