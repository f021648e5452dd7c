package org.ecrl4j.nn.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The input contract of an exported backbone: the sidecar {@code NAME.json} that
 * {@code tools/export_backbone.py} writes beside {@code NAME.pt} (README, "Backbones"). It fixes
 * how clips must be prepared for the model (T, the square input size, the RGB mean and std on [0,
 * 1]) and what comes out (d), so that ecrl4j prepares clips as the model was trained without flags;
 * a flag that contradicts it is an error ({@link #resolve}).
 *
 * @param file the sidecar
 * @param model the model's name (e.g. r2plus1d_18)
 * @param weights where the weights came from (e.g. random(seed=0), torchvision:..., file:...)
 * @param frames T
 * @param size the square input side: shorter side resized to it, centre crop of size x size
 * @param mean RGB mean on [0, 1], three values
 * @param std RGB standard deviation on [0, 1], three values
 * @param width d, the feature width
 * @param torchvision the torchvision version that exported it ("" when not stated)
 */
public record BackboneContract(Path file, String model, String weights, int frames, int size, float[] mean,
        float[] std, int width, String torchvision) {
    public BackboneContract {
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

    /** The sidecar of a model file: {@code NAME.json} beside {@code NAME.pt} (any extension replaced). */
    public static Path sidecarOf(Path modelFile) {
        String name = modelFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return modelFile.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
    }

    /**
     * The contract beside a model file, or empty when it has no sidecar (a model exported by hand:
     * then the flags and the reference normalisation apply).
     *
     * @throws BackboneException naming the sidecar when it is unreadable or malformed
     */
    public static Optional<BackboneContract> besides(Path modelFile) {
        Path sidecar = sidecarOf(modelFile);
        return Files.isRegularFile(sidecar) ? Optional.of(read(sidecar)) : Optional.empty();
    }

    /**
     * Reads a sidecar.
     *
     * @throws BackboneException naming the file, the bad field and the fix
     */
    public static BackboneContract read(Path sidecar) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(Files.readString(sidecar));
        } catch (IOException e) {
            throw new BackboneException(sidecar + ": not a readable JSON sidecar (" + firstLine(e) + "); write it again"
                    + " with tools/export_backbone.py, or delete it to use the flags and the reference normalisation");
        }
        if (n == null || !n.isObject()) {
            throw bad(sidecar, "the file", "is not a JSON object");
        }
        int frames = positiveInt(n, "frames", sidecar);
        int size = positiveInt(n, "size", sidecar);
        int width = positiveInt(n, "width", sidecar);
        float[] mean = triple(n, "mean", sidecar, false);
        float[] std = triple(n, "std", sidecar, true);
        return new BackboneContract(sidecar, n.path("model").asText(""), n.path("weights").asText(""), frames, size,
                mean, std, width, n.path("torchvision").asText(""));
    }

    /**
     * The value of an option the sidecar also fixes: the flag when given and equal, the sidecar's
     * value when the flag is absent.
     *
     * @param flag the option's name, e.g. --frames
     * @param given the flag's value, or null when not given
     * @param fixed the sidecar's value
     * @throws BackboneException when they differ, naming both and the fix
     */
    public int resolve(String flag, Integer given, int fixed) {
        if (given != null && given != fixed) {
            throw new BackboneException(String.format(Locale.ROOT, "%s %d contradicts %s, which says the model (%s)"
                    + " takes %s %d; drop %s (the sidecar's value is used) or export the model again with it",
                    flag, given, file, model.isEmpty() ? "?" : model, flag, fixed, flag));
        }
        return fixed;
    }

    /** Checks that a loaded model gives the width the sidecar states. */
    public void checkWidth(int actual, String describe) {
        if (actual != width) {
            throw new BackboneException(describe + " gives d = " + actual + " but " + file + " says d = " + width
                    + "; the sidecar belongs to another model: export the model again");
        }
    }

    /** A short description for logs. */
    public String summary() {
        return String.format(Locale.ROOT, "%s, T=%d, %dx%d, mean %s, std %s, d=%d, weights %s, torchvision %s",
                model, frames, size, size, Arrays.toString(mean), Arrays.toString(std), width, weights,
                torchvision.isEmpty() ? "?" : torchvision);
    }

    private static int positiveInt(JsonNode n, String field, Path file) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
            throw bad(file, "\"" + field + "\"", v == null ? "is missing" : "is " + v + ", expected an integer >= 1");
        }
        return v.asInt();
    }

    private static float[] triple(JsonNode n, String field, Path file, boolean positive) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray() || v.size() != 3) {
            throw bad(file, "\"" + field + "\"", v == null ? "is missing" : "is " + v + ", expected three numbers (R, G, B)");
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            JsonNode x = v.get(i);
            double d = x.isNumber() ? x.asDouble() : Double.NaN;
            if (!Double.isFinite(d) || (positive && d <= 0)) {
                throw bad(file, "\"" + field + "\"", "is " + v + ", expected three finite numbers"
                        + (positive ? " > 0" : ""));
            }
            out[i] = (float) d;
        }
        return out;
    }

    private static BackboneException bad(Path file, String what, String problem) {
        return new BackboneException(file + ": " + what + " " + problem + "; write the sidecar again with"
                + " tools/export_backbone.py (README, 'Backbones')");
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackboneContract c && c.file.equals(file) && c.model.equals(model)
                && c.weights.equals(weights) && c.frames == frames && c.size == size && Arrays.equals(c.mean, mean)
                && Arrays.equals(c.std, std) && c.width == width && c.torchvision.equals(torchvision);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(file, model, frames, size, Arrays.hashCode(mean), Arrays.hashCode(std), width);
    }

    @Override
    public String toString() {
        return "BackboneContract[" + file + ": " + summary() + "]";
    }
}
