package org.ecrl4j.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ecrl4j.dictionary.DictionaryKind;

/**
 * An immutable, validated description of an ECRL head: which Table 3 row it is and the Table 4/5
 * options. The named configurations are in {@link #named(String)}.
 *
 * @param name the configuration's name (a row of MODEL.md section 6 or a product configuration)
 * @param videoLogit whether fc(mean F_v) is part of the logits
 * @param branch which saliency streams feed the head
 * @param crossFrame how each saliency stream is turned into a video-level representation
 * @param backdoor whether J goes through the back-door adjustment (S1 = classifier_1(F_cc))
 * @param frontdoor whether global-local causal attention adds S2
 * @param bdAttention dot or additive μ
 * @param useMu false for the "without μ" ablation
 * @param usePrior false for the "without P(z)" ablation
 * @param dictionary how Z and p are built
 * @param confounders K_c for the k-means dictionary (class dictionaries have one entry per class)
 * @param glcaStream the stream GLCA reads as F_L
 * @param globalEntries K_g
 * @param dropout dropout on the GLCA unit inputs during training
 */
public record HeadConfig(
        String name,
        boolean videoLogit,
        Branch branch,
        CrossFrame crossFrame,
        boolean backdoor,
        boolean frontdoor,
        BdAttention bdAttention,
        boolean useMu,
        boolean usePrior,
        DictionaryKind dictionary,
        int confounders,
        GlcaStream glcaStream,
        int globalEntries,
        float dropout) {

    /** The rows of MODEL.md section 6 (paper Table 3), in table order. */
    public static final List<String> TABLE3_ROWS = List.of(
            "base", "fcm", "bcm", "fcm-bcm", "fcm-bcm-tsc", "fcm-bcm-bd", "fcm-bcm-tsc-bd", "ecrl");

    public HeadConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("configuration name must not be empty");
        }
        if (backdoor && branch != Branch.JOINT) {
            throw new IllegalArgumentException("configuration " + name
                    + ": the back-door adjustment needs both saliency streams (branch JOINT), got " + branch);
        }
        if (!videoLogit && branch == Branch.NONE && !frontdoor) {
            throw new IllegalArgumentException("configuration " + name + " has no classifier at all");
        }
        if (confounders < 1) {
            throw new IllegalArgumentException("confounders (K_c) must be >= 1, got " + confounders);
        }
        if (globalEntries < 1) {
            throw new IllegalArgumentException("global entries (K_g) must be >= 1, got " + globalEntries);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    private static HeadConfig row(String name, boolean videoLogit, Branch branch, CrossFrame cf,
            boolean bd, boolean fd) {
        return new HeadConfig(name, videoLogit, branch, cf, bd, fd, BdAttention.DOT, true, true,
                DictionaryKind.BACKGROUND, 256, GlcaStream.V, 512, 0.15f);
    }

    private static final Map<String, HeadConfig> NAMED = new LinkedHashMap<>();

    static {
        for (HeadConfig c : List.of(
                row("base", true, Branch.NONE, CrossFrame.NONE, false, false),
                row("fcm", true, Branch.FOREGROUND, CrossFrame.NONE, false, false),
                row("bcm", true, Branch.BACKGROUND, CrossFrame.NONE, false, false),
                row("fcm-bcm", true, Branch.JOINT, CrossFrame.NONE, false, false),
                row("fcm-bcm-tsc", true, Branch.JOINT, CrossFrame.CCM_TSC, false, false),
                row("fcm-bcm-bd", true, Branch.JOINT, CrossFrame.NONE, true, false),
                row("fcm-bcm-tsc-bd", true, Branch.JOINT, CrossFrame.CCM_TSC, true, false),
                row("ecrl", false, Branch.JOINT, CrossFrame.CCM_TSC, true, true),
                // Beyond the paper (MODEL.md 6b): the head parts of the product configurations.
                row("ecrl-plus", false, Branch.JOINT, CrossFrame.CCM_TSC, true, true).withGlcaStream(GlcaStream.S),
                row("base-swap", true, Branch.NONE, CrossFrame.NONE, false, false),
                row("fg-only", false, Branch.FOREGROUND, CrossFrame.NONE, false, false))) {
            NAMED.put(c.name(), c);
        }
    }

    /** The names of every named configuration. */
    public static List<String> names() {
        return List.copyOf(NAMED.keySet());
    }

    /**
     * A named configuration.
     *
     * @throws IllegalArgumentException listing the known names when {@code name} is unknown
     */
    public static HeadConfig named(String name) {
        HeadConfig c = NAMED.get(name.toLowerCase(Locale.ROOT));
        if (c == null) {
            throw new IllegalArgumentException("Unknown configuration '" + name + "'; known: "
                    + String.join(", ", NAMED.keySet()));
        }
        return c;
    }

    public HeadConfig withBdAttention(BdAttention a) {
        return new HeadConfig(name, videoLogit, branch, crossFrame, backdoor, frontdoor, a, useMu, usePrior,
                dictionary, confounders, glcaStream, globalEntries, dropout);
    }

    public HeadConfig withMu(boolean mu) {
        return new HeadConfig(name, videoLogit, branch, crossFrame, backdoor, frontdoor, bdAttention, mu,
                usePrior, dictionary, confounders, glcaStream, globalEntries, dropout);
    }

    public HeadConfig withPrior(boolean prior) {
        return new HeadConfig(name, videoLogit, branch, crossFrame, backdoor, frontdoor, bdAttention, useMu,
                prior, dictionary, confounders, glcaStream, globalEntries, dropout);
    }

    public HeadConfig withDictionary(DictionaryKind kind, int k) {
        return new HeadConfig(name, videoLogit, branch, crossFrame, backdoor, frontdoor, bdAttention, useMu,
                usePrior, kind, k, glcaStream, globalEntries, dropout);
    }

    public HeadConfig withGlcaStream(GlcaStream stream) {
        return new HeadConfig(name, videoLogit, branch, crossFrame, backdoor, frontdoor, bdAttention, useMu,
                usePrior, dictionary, confounders, stream, globalEntries, dropout);
    }

    public HeadConfig withGlobalEntries(int kg) {
        return new HeadConfig(name, videoLogit, branch, crossFrame, backdoor, frontdoor, bdAttention, useMu,
                usePrior, dictionary, confounders, glcaStream, kg, dropout);
    }

    public HeadConfig withDropout(float p) {
        return new HeadConfig(name, videoLogit, branch, crossFrame, backdoor, frontdoor, bdAttention, useMu,
                usePrior, dictionary, confounders, glcaStream, globalEntries, p);
    }

    public HeadConfig withCrossFrame(CrossFrame cf) {
        return new HeadConfig(name, videoLogit, branch, cf, backdoor, frontdoor, bdAttention, useMu,
                usePrior, dictionary, confounders, glcaStream, globalEntries, dropout);
    }
}
