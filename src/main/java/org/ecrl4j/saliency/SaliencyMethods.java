package org.ecrl4j.saliency;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Creates saliency methods from their names: {@code spectral} (the default), {@code fine-grained},
 * {@code motion}, {@code motion-compensated}, {@code model:PATH}, and {@code oracle} / {@code oracle:DIR} (the ground-truth masks of
 * a benchmark written by {@code ecrl4j synth}, {@link OracleSaliencyMethod}). Other methods are added
 * with {@link #register}; a name of the form {@code prefix:argument} passes the argument
 * to the prefix's factory.
 */
public final class SaliencyMethods {
    /** The default method (MODEL.md section 1.2; the reference's). */
    public static final String DEFAULT = "spectral";

    private static final Map<String, Function<String, SaliencyMethod>> FACTORIES = new ConcurrentHashMap<>();

    static {
        register("spectral", arg -> new OpenCvStaticSaliency(OpenCvStaticSaliency.Kind.SPECTRAL));
        register("fine-grained", arg -> new OpenCvStaticSaliency(OpenCvStaticSaliency.Kind.FINE_GRAINED));
        register("motion", arg -> MotionSaliency.DEFAULT);
        register("motion-compensated", arg -> MotionCompensatedSaliency.DEFAULT);
        register("model", arg -> {
            if (arg == null || arg.isBlank()) {
                throw new IllegalArgumentException("Saliency method model needs a file: model:PATH (a TorchScript file)");
            }
            return ModelSaliency.load(Path.of(arg));
        });
        register("oracle", OracleSaliencyMethod::fromArgument);
    }

    private SaliencyMethods() {}

    /**
     * Adds (or replaces) a method. The factory receives the text after the first ':' of the name,
     * or {@code null} when there is none.
     */
    public static void register(String prefix, Function<String, SaliencyMethod> factory) {
        if (prefix == null || prefix.isBlank() || prefix.contains(":")) {
            throw new IllegalArgumentException("Bad saliency method prefix '" + prefix + "'");
        }
        FACTORIES.put(prefix, factory);
    }

    /** The registered prefixes, sorted. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(FACTORIES.keySet());
        names.sort(null);
        return names;
    }

    /**
     * Creates the method a name denotes.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static SaliencyMethod create(String name) {
        String n = name == null ? "" : name.trim();
        int colon = n.indexOf(':');
        String prefix = colon < 0 ? n : n.substring(0, colon);
        String arg = colon < 0 ? null : n.substring(colon + 1);
        Function<String, SaliencyMethod> f = FACTORIES.get(prefix);
        if (f == null) {
            throw new IllegalArgumentException("Unknown saliency method '" + name + "': use one of "
                    + String.join(", ", names()) + " (model takes a file: model:PATH)");
        }
        return f.apply(arg);
    }
}
