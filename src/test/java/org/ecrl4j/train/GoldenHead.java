package org.ecrl4j.train;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.data.NpyArray;
import org.ecrl4j.data.Npz;
import org.ecrl4j.dictionary.ConfounderDictionary;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.nn.HeadShape;
import org.ecrl4j.recipe.Recipe;
import org.ecrl4j.recipe.Recipes;

/**
 * The golden cases of the ECRL head (issue 14): every Table 3 row, the Table 4 options and the
 * default {@code ecrl-plus}, at tiny sizes, built the way training builds them (the confounder
 * dictionary and the k-means start of G from the training features, {@link HeadTrainer#buildDictionaries}
 * and {@link HeadModel#create}).
 *
 * <p>{@code main(DIR)} writes what the outside reference ({@code tools/reference/ecrl_head.py}) reads:
 * {@code inputs.npz} (the features and labels), {@code cases.json} (each case's configuration) and
 * {@code <case>.params.npz} (the parameters, exported by {@link ParameterArchive}, drawn at random so
 * that no bias or positional embedding is zero). {@code tools/reference/regenerate-golden.sh} runs it,
 * then the reference, which adds {@code <case>.expected.npz}.
 */
public final class GoldenHead {
    static final int N = 7;
    static final int T = 4;
    static final int D = 6;
    static final int L = 3;
    static final int KG = 3;
    static final long SEED = 14;
    /** Imbalanced on purpose: the class-frequency prior is then not uniform, so "without prior" differs. */
    static final long[] LABELS = {0, 0, 0, 1, 1, 2, 2};

    private GoldenHead() {}

    /** The cases, by file stem. Dropout is 0 so that a training-mode forward is deterministic. */
    static Map<String, HeadConfig> cases() {
        Map<String, HeadConfig> out = new LinkedHashMap<>();
        for (Recipe r : Recipes.table("3")) {
            out.put(r.name(), tiny(r.head()));
        }
        for (Recipe r : Recipes.table("4")) {
            if (!r.name().equals("dot attention")) { // the dot row is fcm-bcm-tsc-bd itself
                out.put("t4-" + r.name().replace(' ', '-'), tiny(r.head()));
            }
        }
        out.put("ecrl-plus", tiny(Recipes.named("ecrl-plus").head()));
        return out;
    }

    private static HeadConfig tiny(HeadConfig h) {
        return h.toBuilder().globalEntries(KG).dropout(0).build();
    }

    /**
     * The training features: three planted clusters per stream (every frame is one of its stream's
     * three well-separated centres plus noise of 0.3), so that k-means has one answer the reference can find too.
     */
    static FeatureSet features() {
        Random r = new Random(SEED);
        float[][] streams = new float[3][N * T * D];
        for (int stream = 0; stream < streams.length; stream++) {
            float[] s = streams[stream];
            // Centres about 7 apart (5 along a different axis each, plus noise of 1): one clustering only.
            float[][] centres = new float[KG][D];
            for (int k = 0; k < KG; k++) {
                for (int j = 0; j < D; j++) {
                    centres[k][j] = (float) ((j == (2 * k + stream) % D ? 5 : 0) + r.nextGaussian());
                }
            }
            for (int f = 0; f < N * T; f++) {
                float[] c = centres[r.nextInt(KG)];
                for (int j = 0; j < D; j++) {
                    s[f * D + j] = c[j] + (float) (0.3 * r.nextGaussian());
                }
            }
        }
        return new FeatureSet(streams[0], streams[1], streams[2], LABELS.clone(), T, D);
    }

    /** A head as training builds it: Z, p and the start of G from {@code train}. */
    static HeadModel build(HeadConfig config, FeatureSet train) {
        Pair<ConfounderDictionary, float[][]> dicts = HeadTrainer.buildDictionaries(train, config, L, SEED);
        return HeadModel.create(config, new HeadShape(T, D, L), dicts.getKey(), dicts.getValue(), SEED);
    }

    /** The name of G in the parameter files. */
    static final String GLOBAL = "glca.global_dictionary";

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: GoldenHead DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        FeatureSet train = features();
        Map<String, NpyArray> inputs = new LinkedHashMap<>();
        inputs.put("F_v", NpyArray.ofFloats(train.stream(FeatureSet.VIDEO), N, T, D));
        inputs.put("F_s", NpyArray.ofFloats(train.stream(FeatureSet.FOREGROUND), N, T, D));
        inputs.put("F_c", NpyArray.ofFloats(train.stream(FeatureSet.BACKGROUND), N, T, D));
        inputs.put("labels", NpyArray.ofLongs(train.labels(), N));
        inputs.put("classes", NpyArray.ofLongs(new long[] {L}, 1));
        Npz.write(dir.resolve("inputs.npz"), inputs, false);
        List<Map<String, Object>> cases = new ArrayList<>();
        int index = 0;
        for (Map.Entry<String, HeadConfig> e : cases().entrySet()) {
            HeadConfig h = e.getValue();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", e.getKey());
            c.put("video_logit", h.videoLogit());
            c.put("branch", lower(h.branch()));
            c.put("cross_frame", lower(h.crossFrame()));
            c.put("backdoor", h.backdoor());
            c.put("bd_attention", lower(h.bdAttention()));
            c.put("use_mu", h.useMu());
            c.put("use_prior", h.usePrior());
            c.put("dictionary", h.dictionary().optionName());
            c.put("frontdoor", h.frontdoor());
            c.put("glca_stream", lower(h.glcaStream()));
            c.put("global_entries", h.globalEntries());
            cases.add(c);
            try (HeadModel model = build(h, train)) {
                Random r = new Random(SEED * 1000 + index++);
                for (Map.Entry<String, Parameter> p : ParameterArchive.named(model.head()).entrySet()) {
                    if (p.getKey().equals(GLOBAL)) {
                        continue; // G keeps its k-means start: the reference computes its own
                    }
                    float[] v = new float[Math.toIntExact(p.getValue().getArray().size())];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (0.2 * r.nextGaussian());
                    }
                    p.getValue().getArray().set(v);
                }
                ParameterArchive.write(model.head(), dir.resolve(e.getKey() + ".params.npz"));
            }
        }
        Files.writeString(dir.resolve("cases.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(cases) + "\n");
        System.out.println("wrote " + cases.size() + " cases to " + dir);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
