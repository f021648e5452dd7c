package org.ecrl4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.dictionary.DictionaryKind;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.nn.BdAttention;
import org.ecrl4j.nn.GlcaStream;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.recipe.Recipe;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.train.EpochMetrics;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.HeadTrainer;
import org.ecrl4j.train.Trainer;
import org.ecrl4j.train.RunFolder;
import org.ecrl4j.train.TrainOptions;
import org.ecrl4j.util.OutputFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains an ECRL head on cached per-frame features. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an ECRL head on cached features (the frozen-backbone mode).",
            "Builds the confounder dictionary and the global dictionary's start from the training features,",
            "then trains with Adam; writes the run folder (parameters, dictionary, config.json with",
            "provenance, metrics.json)."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--features", paramLabel = "TRAIN.npz",
            description = "training features: video, foreground, background (N,T,d) and label (N); or the Parquet"
                    + " folder of `extract --spark`")
    Path features;

    @Option(names = "--data", paramLabel = "ANNOTATIONS",
            description = "train on videos instead (both stages; split column: train and val rows)")
    Path data;

    @Option(names = "--val", paramLabel = "VAL.npz", description = "validation features (same layout)")
    Path val;

    @Option(names = "--config", defaultValue = Recipe.DEFAULT, paramLabel = "NAME",
            description = "configuration, a named recipe: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
            completionCandidates = RecipeNames.class)
    String config;

    @Option(names = "--out", required = true, paramLabel = "RUN_DIR",
            description = "run folder to write (absent or empty)")
    Path out;

    @Option(names = "--overwrite", description = "replace the ecrl4j output already in --out")
    boolean overwrite;

    @Option(names = "--preset", defaultValue = "pretrained", paramLabel = "P",
            description = "training preset: pretrained (13 epochs, Adam 1e-4, x0.1 every 4) or scratch"
                    + " (40 epochs, 2e-3, cosine, best val kept) (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--epochs", paramLabel = "N", description = "epochs (default: from the preset)")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "B", description = "videos per step (default: 8)")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "LR", description = "learning rate (default: from the preset)")
    Float lr;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "weight decay (default: 1e-3)")
    Float weightDecay;

    @Option(names = "--decay-every", paramLabel = "K", description = "step decay every K epochs (default: 4)")
    Integer decayEvery;

    @Option(names = "--decay-factor", paramLabel = "F", description = "step decay factor (default: 0.1)")
    Float decayFactor;

    @Option(names = "--seed", defaultValue = "0", description = "fixes initialisation, data order, dropout, k-means")
    long seed;

    @Option(names = "--classes", paramLabel = "L", description = "number of classes (default: largest label + 1)")
    Integer classes;

    @Option(names = "--bd-attention", paramLabel = "dot|additive", description = "back-door attention μ")
    String bdAttention;

    @Option(names = "--no-mu", description = "ablation: μ_i = 1")
    boolean noMu;

    @Option(names = "--no-prior", description = "ablation: p_i = 1/K_c")
    boolean noPrior;

    @Option(names = "--dictionary", paramLabel = "KIND", description = "background|kmeans|average|random")
    String dictionary;

    @Option(names = "--confounders", paramLabel = "K_c", description = "k-means dictionary size (default: 256)")
    Integer confounders;

    @Option(names = "--glca-stream", paramLabel = "v|s", description = "stream GLCA reads (paper: v)")
    String glcaStream;

    @Option(names = "--global-entries", paramLabel = "K_g", description = "global dictionary size (default: 512)")
    Integer globalEntries;

    @Mixin ThreadsOption threads;
    @Mixin PrecisionOption precision;

    @Mixin FeatureFileOptions featureFiles;

    @Mixin VideoTrainOptions videoTraining;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        precision.apply();
        if ((features == null) == (data == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give exactly one of --features (cached features) and --data (videos)");
        }
        Recipe recipe = resolveRecipe();
        HeadConfig head = recipe.head();
        TrainOptions options = resolveOptions();
        if (data != null) {
            if (val != null || classes != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--val and --classes apply to --features; with --data the val rows and the class list come"
                                + " from the annotations");
            }
            OutputFolder folder = OutputFolder.open(out, "train --data", overwrite, videoTraining.resume, true);
            // A run that failed after a checkpoint keeps its folder for --resume; else nothing is left.
            return folder.run(() -> videoTraining.run(data, out, recipe, options, preset, System.err),
                    VideoTrainOptions::hasCheckpoint);
        }
        OutputFolder folder = OutputFolder.open(out, "train --features", overwrite, false, false);
        return folder.run(() -> trainOnFeatures(head, options), dir -> false);
    }

    private int trainOnFeatures(HeadConfig head, TrainOptions options) throws Exception {
        System.err.printf("loading %s%n", features);
        FeatureSet.Limits limits = classes == null ? featureFiles.limits() : featureFiles.limits().withClasses(classes);
        FeatureSet train = FeatureFileOptions.load(features, limits);
        FeatureSet valSet = val == null ? null : FeatureFileOptions.load(val, limits);
        int l = classes != null ? classes
                : Math.max(train.classesSeen(), valSet == null ? 0 : valSet.classesSeen());
        if (valSet != null && valSet.classesSeen() > l) {
            throw new IllegalArgumentException(val + ": labels go up to " + (valSet.classesSeen() - 1)
                    + " but --classes is " + l);
        }
        System.err.printf("training %s on %d videos (T=%d, d=%d, L=%d)%s, %d epochs, seed %d%n", head.name(),
                train.count(), train.frames(), train.width(), l,
                valSet == null ? "" : ", validating on " + valSet.count(), options.epochs(), options.seed());
        Trainer.Listener listener = new Trainer.Listener() {
            @Override
            public void onMessage(String message) {
                System.err.println(message);
            }

            @Override
            public void onEpoch(EpochMetrics m) {
                System.err.println(formatEpoch(m, options.epochs()));
            }
        };
        HeadTrainer.Result result = HeadTrainer.train(train, valSet, head, l, options, listener);
        try (HeadModel model = result.model()) {
            List<String> classNames = new ArrayList<>();
            for (int c = 0; c < l; c++) {
                classNames.add(Integer.toString(c));
            }
            Map<String, Path> inputs = new LinkedHashMap<>();
            inputs.put("features", features);
            inputs.put("val", val);
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("train", Evaluation.of("run " + out, model.logits(train, 64), train.labels(), l).toJson());
            if (valSet != null) {
                results.put("val", Evaluation.of("run " + out, model.logits(valSet, 64), valSet.labels(), l).toJson());
            }
            RunFolder.writeRun(out, model, options, classNames, EcrlCommand.codeVersion(), inputs, result.history(),
                    result.bestEpoch(), results);
        }
        System.err.println("run written to " + out);
        return 0;
    }

    static String formatEpoch(EpochMetrics m, int epochs) {
        String s = String.format(Locale.ROOT, "epoch %d/%d  lr %.2e  loss %.4f  acc@1 %.3f  acc@5 %.3f", m.epoch(),
                epochs, m.learningRate(), m.loss(), m.acc1(), m.acc5());
        if (!Double.isNaN(m.valAcc1())) {
            s += String.format(Locale.ROOT, "  | val loss %.4f  acc@1 %.3f  acc@5 %.3f", m.valLoss(), m.valAcc1(),
                    m.valAcc5());
        }
        return s + String.format(Locale.ROOT, "  (%.1f s)", m.seconds());
    }

    /** The named recipe with the head options of the command line applied. */
    private Recipe resolveRecipe() {
        Recipe recipe = Recipes.named(config);
        HeadConfig.Builder h = recipe.head().toBuilder();
        if (bdAttention != null) {
            h.bdAttention(parseEnum(BdAttention.class, bdAttention, "--bd-attention"));
        }
        if (noMu) {
            h.useMu(false);
        }
        if (noPrior) {
            h.usePrior(false);
        }
        if (dictionary != null || confounders != null) {
            h.dictionary(dictionary == null ? recipe.head().dictionary()
                    : parseEnum(DictionaryKind.class, dictionary, "--dictionary"),
                    confounders == null ? recipe.head().confounders() : confounders);
        }
        if (glcaStream != null) {
            h.glcaStream(parseEnum(GlcaStream.class, glcaStream, "--glca-stream"));
        }
        if (globalEntries != null) {
            h.globalEntries(globalEntries);
        }
        return recipe.withHead(h.build());
    }

    private TrainOptions resolveOptions() {
        TrainOptions o = switch (preset.toLowerCase(Locale.ROOT)) {
            case "pretrained" -> TrainOptions.pretrained(seed);
            case "scratch" -> TrainOptions.scratch(seed);
            default -> throw new IllegalArgumentException("Unknown --preset '" + preset + "'; use pretrained or scratch");
        };
        return new TrainOptions(epochs != null ? epochs : o.epochs(), batchSize != null ? batchSize : o.batchSize(),
                lr != null ? lr : o.learningRate(), weightDecay != null ? weightDecay : o.weightDecay(),
                o.schedule(), decayEvery != null ? decayEvery : o.decayEvery(),
                decayFactor != null ? decayFactor : o.decayFactor(), seed, o.keepBest());
    }

    static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String option) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                names.add(c.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            throw new IllegalArgumentException("Unknown " + option + " '" + value + "'; use one of " + names);
        }
    }

    /** The recipe names, for the help text. */
    static final class RecipeNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Recipes.names().iterator();
        }
    }
}
