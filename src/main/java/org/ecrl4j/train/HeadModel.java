package org.ecrl4j.train;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.data.NpyArray;
import org.ecrl4j.data.Npz;
import org.ecrl4j.dictionary.ConfounderDictionary;
import org.ecrl4j.dictionary.DictionaryKind;
import org.ecrl4j.nn.EcrlHead;
import org.ecrl4j.util.Precision;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.nn.HeadShape;
import org.ecrl4j.nn.InferenceCache;
import org.ecrl4j.util.ChecksummedFile;

/**
 * A head with its parameters and its confounder dictionary: what training produces and what
 * evaluation and prediction load. Owns an NDManager; close it when done.
 */
public final class HeadModel implements AutoCloseable {
    /** Parameter file in a run folder. */
    public static final String PARAMS_FILE = "head.params";
    /** Confounder dictionary file in a run folder (entries, prior). */
    public static final String DICTIONARY_FILE = "dictionary.npz";

    private final NDManager manager;
    private final EcrlHead head;
    private final ConfounderDictionary dictionary;

    private HeadModel(NDManager manager, EcrlHead head, ConfounderDictionary dictionary) {
        this.manager = manager;
        this.head = head;
        this.dictionary = dictionary;
        if (dictionary != null) {
            NDArray z = manager.create(dictionary.flatEntries(), new Shape(dictionary.size(), dictionary.width()));
            NDArray p = manager.create(dictionary.prior());
            head.setConfounders(z, p);
        }
    }

    /**
     * A freshly initialised head.
     *
     * @param dictionary Z and p, required when the configuration has the back-door path
     * @param globalInit starting G (K_g, d), or null for the default initialiser
     * @param seed seeds the engine's generator before the parameters are drawn
     */
    public static HeadModel create(HeadConfig config, HeadShape shape, ConfounderDictionary dictionary,
            float[][] globalInit, long seed) {
        if (config.backdoor() && dictionary == null) {
            throw new IllegalArgumentException("Configuration " + config.name() + " needs a confounder dictionary");
        }
        if (dictionary != null && dictionary.width() != shape.width()) {
            throw new IllegalArgumentException("Confounder dictionary has width " + dictionary.width()
                    + " but the features have d=" + shape.width());
        }
        Engine.getInstance().setRandomSeed((int) seed);
        NDManager manager = NDManager.newBaseManager();
        EcrlHead head = new EcrlHead(config, shape);
        head.setPrecision(Precision.processDefault());
        if (globalInit != null) {
            float[] flat = new float[globalInit.length * shape.width()];
            for (int i = 0; i < globalInit.length; i++) {
                System.arraycopy(globalInit[i], 0, flat, i * shape.width(), shape.width());
            }
            head.glca().ifPresent(g -> g.setGlobalInitializer(flat));
        }
        head.initialize(manager);
        return new HeadModel(manager, head, config.backdoor() ? dictionary : null);
    }

    public EcrlHead head() {
        return head;
    }

    public NDManager manager() {
        return manager;
    }

    public HeadConfig config() {
        return head.config();
    }

    public HeadShape shape() {
        return head.shape();
    }

    /** The confounder dictionary, or null when the configuration has no back-door path. */
    public ConfounderDictionary dictionary() {
        return dictionary;
    }

    /** Runs the head in inference mode; the returned arrays belong to {@code stepManager}. */
    public NDList forward(NDManager stepManager, NDList streams) {
        return head.forward(new ParameterStore(stepManager, false), streams, false);
    }

    /**
     * Logits of every video, flattened (N, L), in inference mode.
     *
     * @throws IllegalArgumentException when the features do not have this head's T and d
     */
    public float[] logits(FeatureSet features, int batchSize) {
        return outputs(features, batchSize, List.of("logits")).get("logits");
    }

    /**
     * Named outputs of the head (see {@link EcrlHead}) for every video, each flattened row-major.
     */
    public Map<String, float[]> outputs(FeatureSet features, int batchSize, List<String> names) {
        checkCompatible(features, "features");
        Map<String, float[]> out = new LinkedHashMap<>();
        Map<String, List<float[]>> parts = new LinkedHashMap<>();
        for (String n : names) {
            parts.put(n, new java.util.ArrayList<>());
        }
        try (InferenceCache cache = head.cacheForInference(manager)) {
            for (int start = 0; start < features.count(); start += batchSize) {
                int end = Math.min(features.count(), start + batchSize);
                int[] idx = java.util.stream.IntStream.range(start, end).toArray();
                try (NDManager step = manager.newSubManager()) {
                    NDList batch = features.batch(step, idx);
                    NDList result = forward(step, new NDList(batch.get(0), batch.get(1), batch.get(2)));
                    for (String n : names) {
                        NDArray a = result.get(n);
                        if (a == null) {
                            throw new IllegalArgumentException("Configuration " + config().name()
                                    + " has no output " + n);
                        }
                        parts.get(n).add(a.toFloatArray());
                    }
                }
            }
        }
        for (String n : names) {
            List<float[]> p = parts.get(n);
            int total = p.stream().mapToInt(a -> a.length).sum();
            float[] flat = new float[total];
            int pos = 0;
            for (float[] a : p) {
                System.arraycopy(a, 0, flat, pos, a.length);
                pos += a.length;
            }
            out.put(n, flat);
        }
        return out;
    }

    /** Checks that a feature set has this head's T and d, naming the file's problem. */
    public void checkCompatible(FeatureSet features, String what) {
        if (features.frames() != shape().frames() || features.width() != shape().width()) {
            throw new IllegalArgumentException(what + " have T=" + features.frames() + ", d=" + features.width()
                    + " but the model was trained with T=" + shape().frames() + ", d=" + shape().width()
                    + "; extract them with the same backbone and frame count");
        }
    }

    /** Writes the parameters and the dictionary into {@code dir}, atomically. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        ChecksummedFile.write(dir.resolve(PARAMS_FILE), out -> {
            DataOutputStream dos = new DataOutputStream(new BufferedOutputStream(out));
            head.saveParameters(dos);
            dos.flush();
        });
        if (dictionary != null) {
            saveDictionary(dictionary, dir.resolve(DICTIONARY_FILE));
        }
    }

    /** Saves Z as {@code entries} (K_c, d) and p as {@code prior} (K_c). */
    public static void saveDictionary(ConfounderDictionary d, Path file) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("entries", NpyArray.ofFloats(d.flatEntries(), d.size(), d.width()));
        arrays.put("prior", NpyArray.ofFloats(d.prior(), d.size()));
        Npz.write(file, arrays, false);
    }

    /** Reads a run folder's dictionary written by {@link #saveDictionary}. */
    public static ConfounderDictionary loadDictionary(Path file, DictionaryKind kind) throws IOException {
        return loadDictionary(file, kind, ChecksummedFile.RUN_FILE);
    }

    /**
     * Reads a dictionary written by {@link #saveDictionary}, after checking the CRC-32 the .npz (zip)
     * format stores for each array.
     *
     * @param remedy what a damaged file's message tells the user (a checkpoint's or a run's)
     */
    public static ConfounderDictionary loadDictionary(Path file, DictionaryKind kind, ChecksummedFile.Remedy remedy)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("Confounder dictionary " + file + " is missing; the run folder is incomplete:"
                    + " train the run again (ecrl4j train) or copy its dictionary.npz back");
        }
        ChecksummedFile.verifyZip(file, remedy);
        Map<String, NpyArray> arrays = Npz.read(file);
        NpyArray entries = arrays.get("entries");
        NpyArray prior = arrays.get("prior");
        if (entries == null || prior == null || entries.shape().length != 2 || prior.shape().length != 1) {
            throw new IOException(file + ": expected arrays 'entries' (K_c, d) and 'prior' (K_c), found "
                    + arrays.keySet());
        }
        int k = (int) entries.shape()[0];
        int d = (int) entries.shape()[1];
        float[] flat = entries.toFloatArray();
        float[][] rows = new float[k][];
        for (int i = 0; i < k; i++) {
            rows[i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
        try {
            return new ConfounderDictionary(rows, prior.toFloatArray(), kind);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a head saved by {@link #save} for the given configuration and shape.
     *
     * @throws IOException one line naming the file: missing, damaged (checksum), truncated, or written
     *     for another configuration
     */
    public static HeadModel load(Path dir, HeadConfig config, HeadShape shape) throws IOException {
        Path params = dir.resolve(PARAMS_FILE);
        if (!Files.isRegularFile(params)) {
            throw new IOException("Run folder " + dir + " has no " + PARAMS_FILE + "; is it a finished ecrl4j train run?");
        }
        ConfounderDictionary dict = config.backdoor()
                ? loadDictionary(dir.resolve(DICTIONARY_FILE), config.dictionary()) : null;
        InputStream in = ChecksummedFile.open(params, ChecksummedFile.RUN_FILE); // verified before any use
        NDManager manager = NDManager.newBaseManager();
        try (in) {
            EcrlHead head = new EcrlHead(config, shape);
            head.setPrecision(Precision.processDefault());
            head.initialize(manager);
            head.loadParameters(manager, new DataInputStream(in));
            if (in.read() != -1) {
                throw new MalformedModelException("the file holds parameters this configuration does not have");
            }
            return new HeadModel(manager, head, dict);
        } catch (EOFException e) { // intact file (checksum verified) that is shorter than this configuration needs
            manager.close();
            throw new IOException(params + " does not match configuration " + config.name() + " (T="
                    + shape.frames() + ", d=" + shape.width() + ", L=" + shape.classes()
                    + "): the file ends before all of its parameters", e);
        } catch (MalformedModelException | IOException | RuntimeException e) {
            manager.close();
            throw new IOException(params + " does not match configuration " + config.name() + " (T="
                    + shape.frames() + ", d=" + shape.width() + ", L=" + shape.classes() + "): " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
