package org.ecrl4j.nn.backbone;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;

/**
 * Which backbone to use, as given by {@code --backbone}: {@code builtin} (the default,
 * {@link TinyVideoNet} trained from scratch), {@code builtin:PATH} (a saved TinyVideoNet) or {@code torchscript:PATH} (a TorchScript file with the
 * {@link VideoEncoder} contract). {@link #toString()} gives back the option's text.
 */
public sealed interface BackboneSpec {
    /** The spec used when none is given. */
    String DEFAULT = "builtin";

    /** The built-in backbone, trained from scratch. */
    record Builtin() implements BackboneSpec {
        @Override
        public VideoEncoder create(NDManager manager, ClipShape clip, boolean finetune, long seed) {
            return TinyVideoNet.create(manager, TinyVideoNet.DEFAULT_WIDTHS, seed);
        }

        @Override
        public boolean trainsFromScratch() {
            return true;
        }

        @Override
        public String toString() {
            return "builtin";
        }
    }

    /**
     * A built-in backbone saved by {@link TinyVideoNet#save} (for example the encoder a video
     * training run wrote): loaded, and trainable like the built-in one.
     */
    record BuiltinFile(Path file) implements BackboneSpec {
        public BuiltinFile {
            if (file == null || file.toString().isBlank()) {
                throw new BackboneException("--backbone builtin:PATH: the path is empty; give a saved built-in"
                        + " backbone, e.g. builtin:run/encoder.tvn");
            }
        }

        @Override
        public VideoEncoder create(NDManager manager, ClipShape clip, boolean finetune, long seed) {
            try {
                return TinyVideoNet.load(file, manager);
            } catch (java.io.IOException e) {
                throw new BackboneException("--backbone builtin:" + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public boolean trainsFromScratch() {
            return false;
        }

        @Override
        public String toString() {
            return "builtin:" + file;
        }
    }

    /** A TorchScript backbone file. */
    record TorchScript(Path file) implements BackboneSpec {
        public TorchScript {
            if (file == null || file.toString().isBlank()) {
                throw new BackboneException("--backbone torchscript:PATH: the path is empty; give the .pt file,"
                        + " e.g. torchscript:models/r2plus1d.pt");
            }
        }

        @Override
        public VideoEncoder create(NDManager manager, ClipShape clip, boolean finetune, long seed) {
            return TorchScriptEncoder.load(manager, file, clip, finetune);
        }

        @Override
        public boolean trainsFromScratch() {
            return false;
        }

        @Override
        public java.util.Optional<BackboneContract> contract() {
            return BackboneContract.besides(file);
        }

        @Override
        public String toString() {
            return "torchscript:" + file;
        }
    }

    /**
     * Builds the encoder.
     *
     * @param manager owns the encoder's parameters (a PyTorch-engine manager for TorchScript)
     * @param clip the clip size the encoder will be fed (probes an imported model)
     * @param finetune train an imported backbone too ({@code --finetune-backbone}); the built-in one
     *     is always trainable, since it starts from random weights
     * @param seed fixes the built-in backbone's initial weights
     */
    VideoEncoder create(NDManager manager, ClipShape clip, boolean finetune, long seed);

    /** Whether the backbone starts from random weights (the {@code scratch} training preset). */
    boolean trainsFromScratch();

    /**
     * The input contract of an exported backbone (the sidecar NAME.json beside NAME.pt), or empty.
     *
     * @throws BackboneException naming the sidecar when it is malformed
     */
    default java.util.Optional<BackboneContract> contract() {
        return java.util.Optional.empty();
    }

    /**
     * Parses a {@code --backbone} value.
     *
     * @throws BackboneException naming the bad value and the accepted forms
     */
    static BackboneSpec parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty() || t.equals("builtin")) {
            return new Builtin();
        }
        String builtin = "builtin:";
        if (t.regionMatches(true, 0, builtin, 0, builtin.length())) {
            return new BuiltinFile(Path.of(t.substring(builtin.length())));
        }
        String prefix = "torchscript:";
        if (t.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return new TorchScript(Path.of(t.substring(prefix.length())));
        }
        throw new BackboneException("--backbone: unknown backbone '" + text + "'; expected 'builtin', 'builtin:PATH'"
                + " (a saved built-in backbone) or 'torchscript:PATH' (a TorchScript file exported as the README's 'Backbones' section shows)");
    }
}
