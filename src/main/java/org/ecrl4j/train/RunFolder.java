package org.ecrl4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ecrl4j.data.NpyArray;
import org.ecrl4j.data.Npz;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.nn.HeadShape;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.util.AtomicFiles;

/**
 * The folder a training run writes: {@code config.json} (the resolved configuration with its
 * provenance), {@code metrics.json} (per-epoch history and final metrics), the head's parameters and
 * its confounder dictionary. Every file is written atomically.
 */
public final class RunFolder {
    public static final String CONFIG_FILE = "config.json";
    public static final String METRICS_FILE = "metrics.json";
    /** Format version of config.json. */
    public static final int FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunFolder() {}

    /** The shared JSON mapper (indenting, records supported). */
    public static ObjectMapper json() {
        return JSON;
    }

    /** What a run folder's config.json holds. */
    public record RunConfig(int format, HeadConfig head, HeadShape shape, TrainOptions training, List<String> classes,
            Map<String, Object> provenance) {}

    /**
     * Provenance of a run: seed, code version, creation time, Java and DJL versions, the precision of
     * the matrix work ({@code --precision}, as resolved) and the SHA-256 of each input file.
     */
    public static Map<String, Object> provenance(long seed, String codeVersion, Map<String, Path> inputs)
            throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("seed", seed);
        p.put("code_version", codeVersion);
        p.put("created", Instant.now().toString());
        p.put("java", System.getProperty("java.version"));
        p.put("djl", ai.djl.engine.Engine.getDjlVersion());
        p.put("precision", org.ecrl4j.util.Precision.processDefault().label()); // --precision, resolved
        Map<String, Object> files = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : inputs.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("path", e.getValue().toAbsolutePath().toString());
            f.put("sha256", sha256(e.getValue()));
            files.put(e.getKey(), f);
        }
        p.put("inputs", files);
        return p;
    }

    /** Hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a finished run: the head's parameters (and dictionary), {@code config.json} with the
     * provenance of {@code options.seed()}, {@code codeVersion} and the SHA-256 of {@code inputs},
     * and {@code metrics.json} with the history, the kept epoch and then {@code results} (per-split
     * evaluations, bias metrics, skipped videos, ...). The one writer of run folders: {@code train
     * --features}, {@code train --data} and the demo all write through it.
     */
    public static void writeRun(Path dir, HeadModel model, TrainOptions options, List<String> classes,
            String codeVersion, Map<String, Path> inputs, List<EpochMetrics> history, int keptEpoch,
            Map<String, Object> results) throws IOException {
        model.save(dir);
        writeConfig(dir, new RunConfig(FORMAT, model.config(), model.shape(), options, classes,
                provenance(options.seed(), codeVersion, inputs)));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("history", history);
        metrics.put("kept_epoch", keptEpoch);
        metrics.putAll(results);
        writeMetrics(dir, metrics);
    }

    public static void writeConfig(Path dir, RunConfig config) throws IOException {
        AtomicFiles.writeString(dir.resolve(CONFIG_FILE), JSON.writeValueAsString(config));
    }

    /** What a config.json error tells the user to do. */
    static final String CONFIG_FIX = "; restore config.json from a backup or retrain the run";

    /**
     * Reads config.json and validates it: the records' own checks (sizes, K_c, K_g, dropout, training
     * options), a known configuration name, the class names against L, and the run's dictionary.npz
     * against K_c, L and d.
     *
     * @throws IOException one line naming the file, the field and the fix
     */
    public static RunConfig readConfig(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG_FILE);
        if (!Files.isDirectory(dir)) {
            throw new IOException("Run folder " + dir + " does not exist; pass the --out folder of `ecrl4j train`");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(dir + " has no " + CONFIG_FILE + "; it is not an ecrl4j run folder (or training did not finish)");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + " is not valid JSON: " + oneLine(e.getOriginalMessage()) + CONFIG_FIX, e);
        }
        JsonNode name = tree == null ? null : tree.at("/head/name");
        if (name != null && name.isTextual() && !Recipes.names().contains(name.asText())) {
            throw new IOException(file + ": head.name '" + name.asText() + "' is not a known configuration (known: "
                    + String.join(", ", Recipes.names()) + ")" + CONFIG_FIX);
        }
        RunConfig c;
        try {
            c = JSON.treeToValue(tree, RunConfig.class);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            StringBuilder field = new StringBuilder();
            for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
                if (r.getFieldName() != null) {
                    field.append(field.length() == 0 ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    field.append('[').append(r.getIndex()).append(']');
                }
            }
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : null;
            String why = cause != null ? cause.getMessage() : oneLine(e.getOriginalMessage());
            throw new IOException(file + ": " + (field.length() == 0 ? "" : field + ": ") + why + CONFIG_FIX, e);
        } catch (com.fasterxml.jackson.core.JacksonException | IllegalArgumentException e) {
            throw new IOException(file + " is not a valid run configuration: " + oneLine(e.getMessage()) + CONFIG_FIX, e);
        }
        if (c == null || c.format() != FORMAT || c.head() == null || c.shape() == null) {
            throw new IOException(file + ": unsupported run format " + (c == null ? "(empty)" : c.format())
                    + " (this version reads " + FORMAT + ")");
        }
        if (c.classes() != null && c.classes().size() != c.shape().classes()) {
            throw new IOException(file + ": classes lists " + c.classes().size() + " names but shape.classes is "
                    + c.shape().classes() + CONFIG_FIX);
        }
        checkDictionary(file, dir.resolve(HeadModel.DICTIONARY_FILE), c);
        return c;
    }

    /** A run's dictionary.npz (when present: a missing one is reported by {@link HeadModel#load}) against K_c, L, d. */
    private static void checkDictionary(Path config, Path dict, RunConfig c) throws IOException {
        HeadConfig h = c.head();
        if (!h.backdoor() || !Files.isRegularFile(dict)) {
            return;
        }
        NpyArray entries = Npz.read(dict).get("entries");
        if (entries == null || entries.shape().length != 2) {
            return; // HeadModel.loadDictionary names what is wrong with the file itself
        }
        long k = entries.shape()[0];
        long d = entries.shape()[1];
        if (d != c.shape().width()) {
            throw new IOException(config + ": shape.width is " + c.shape().width() + " but " + dict
                    + " holds entries of width " + d + CONFIG_FIX);
        }
        switch (h.dictionary()) {
            case KMEANS -> { // K_c clusters, fewer when there were fewer training videos
                if (k > h.confounders()) {
                    throw new IOException(config + ": head.confounders is " + h.confounders() + " but " + dict
                            + " holds " + k + " k-means entries" + CONFIG_FIX);
                }
            }
            case RANDOM -> { // one vector per class
                if (k != c.shape().classes()) {
                    throw new IOException(config + ": shape.classes is " + c.shape().classes() + " but " + dict
                            + " holds " + k + " random entries (one per class)" + CONFIG_FIX);
                }
            }
            default -> { // one entry per class present in the training set
                if (k > c.shape().classes()) {
                    throw new IOException(config + ": shape.classes is " + c.shape().classes() + " but " + dict
                            + " holds " + k + " class entries" + CONFIG_FIX);
                }
            }
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").strip();
    }

    /** Writes metrics.json. */
    public static void writeMetrics(Path dir, Object metrics) throws IOException {
        AtomicFiles.writeString(dir.resolve(METRICS_FILE), JSON.writeValueAsString(metrics));
    }

    /** Reads metrics.json as a tree (empty object if absent). */
    public static ObjectNode readMetrics(Path dir) throws IOException {
        Path file = dir.resolve(METRICS_FILE);
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        JsonNode n = JSON.readTree(file.toFile());
        return n instanceof ObjectNode o ? o : JSON.createObjectNode();
    }
}
