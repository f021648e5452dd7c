package org.ecrl4j.nn;

import org.ecrl4j.dictionary.DictionaryKind;

/**
 * An immutable, validated description of an ECRL head: which Table 3 row it is and the Table 4/5
 * options. Built with {@link #builder(String)} (the reference defaults of MODEL.md) or changed with
 * {@link #toBuilder()}; the named configurations are recipes ({@code org.ecrl4j.recipe.Recipes}).
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

    /**
     * A builder with the reference defaults: no part switched on, dot attention with μ and prior, the
     * background dictionary with K_c = 256, GLCA on V with K_g = 512 and dropout 0.15.
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.videoLogit = videoLogit;
        b.branch = branch;
        b.crossFrame = crossFrame;
        b.backdoor = backdoor;
        b.frontdoor = frontdoor;
        b.bdAttention = bdAttention;
        b.useMu = useMu;
        b.usePrior = usePrior;
        b.dictionary = dictionary;
        b.confounders = confounders;
        b.glcaStream = glcaStream;
        b.globalEntries = globalEntries;
        b.dropout = dropout;
        return b;
    }

    /** Builds a {@link HeadConfig}; {@link #build()} validates it. */
    public static final class Builder {
        private String name;
        private boolean videoLogit;
        private Branch branch = Branch.NONE;
        private CrossFrame crossFrame = CrossFrame.NONE;
        private boolean backdoor;
        private boolean frontdoor;
        private BdAttention bdAttention = BdAttention.DOT;
        private boolean useMu = true;
        private boolean usePrior = true;
        private DictionaryKind dictionary = DictionaryKind.BACKGROUND;
        private int confounders = 256;
        private GlcaStream glcaStream = GlcaStream.V;
        private int globalEntries = 512;
        private float dropout = 0.15f;

        private Builder(String name) {
            this.name = name;
        }

        public Builder name(String n) {
            name = n;
            return this;
        }

        /** fc(mean F_v) is part of the logits. */
        public Builder videoLogit() {
            videoLogit = true;
            return this;
        }

        public Builder branch(Branch b) {
            branch = b;
            return this;
        }

        public Builder crossFrame(CrossFrame cf) {
            crossFrame = cf;
            return this;
        }

        /** J goes through the back-door adjustment. */
        public Builder backdoor() {
            backdoor = true;
            return this;
        }

        /** Global-local causal attention adds S2. */
        public Builder frontdoor() {
            frontdoor = true;
            return this;
        }

        public Builder bdAttention(BdAttention a) {
            bdAttention = a;
            return this;
        }

        public Builder useMu(boolean mu) {
            useMu = mu;
            return this;
        }

        public Builder usePrior(boolean prior) {
            usePrior = prior;
            return this;
        }

        /** The dictionary kind and K_c (used by k-means; class dictionaries have one entry per class). */
        public Builder dictionary(DictionaryKind kind, int k) {
            dictionary = kind;
            confounders = k;
            return this;
        }

        public Builder glcaStream(GlcaStream stream) {
            glcaStream = stream;
            return this;
        }

        public Builder globalEntries(int kg) {
            globalEntries = kg;
            return this;
        }

        public Builder dropout(float p) {
            dropout = p;
            return this;
        }

        /** The configuration, validated by the record's constructor. */
        public HeadConfig build() {
            return new HeadConfig(name, videoLogit, branch, crossFrame, backdoor, frontdoor, bdAttention, useMu,
                    usePrior, dictionary, confounders, glcaStream, globalEntries, dropout);
        }
    }
}
