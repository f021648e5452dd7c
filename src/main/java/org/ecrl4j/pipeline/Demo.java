package org.ecrl4j.pipeline;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.ecrl4j.data.DatasetReaders;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.eval.BiasMetrics;
import org.ecrl4j.eval.FieldBiasMetrics;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.explain.ClipEvidence;
import org.ecrl4j.explain.RunEvidence;
import org.ecrl4j.explain.Tsne;
import org.ecrl4j.explain.VideoEvidence;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.nn.HeadShape;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.PooledClassifier;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.recipe.Stage1;
import org.ecrl4j.saliency.ClipSource;
import org.ecrl4j.saliency.Mask;
import org.ecrl4j.saliency.OracleSaliencyMethod;
import org.ecrl4j.saliency.SaliencyEvaluator;
import org.ecrl4j.saliency.SaliencyMap;
import org.ecrl4j.saliency.SaliencyMethods;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.synth.BenchmarkPlan;
import org.ecrl4j.synth.BenchmarkWriter;
import org.ecrl4j.synth.SynthConfig;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.HeadTrainer;
import org.ecrl4j.train.RunFolder;
import org.ecrl4j.train.TrainOptions;
import org.ecrl4j.util.AtomicFiles;

/**
 * The main job: generate the Confounded Events benchmark, train {@code ceiling}, {@code base},
 * {@code ecrl} and {@code ecrl-plus} on it with an estimated saliency, evaluate every test split and
 * report the bias metrics (BENCHMARK.md), averaged over seeds.
 *
 * <p>Work shared between models is done once: the benchmark is decoded and its saliency computed
 * once; {@code base} and {@code ecrl} share their stage-1 encoder (ECRL's stage 1 is the plain
 * classifier); every encoder is frozen after stage 1 and the heads train on cached features.
 */
public final class Demo {
    /** The test splits every model is evaluated on. */
    public static final List<String> TEST_SPLITS = List.of("iid", "bg-shift", "obj-shift", "bg-only");
    /**
     * Validation sets, the only ones settings are chosen on: {@code val} (drawn like train) and
     * {@code val-swap}, the same videos with their backgrounds swapped among themselves (a
     * counterfactual check of background reliance built from val alone).
     */
    public static final List<String> VAL_SPLITS = List.of("val", "val-swap", "val-static");
    /** Every evaluated set, in report order. */
    public static final List<String> EVAL_SPLITS = List.of("val", "val-swap", "val-static", "iid", "bg-shift",
            "obj-shift", "bg-only");
    /**
     * The static version of every bg-shift video (each frozen on its first frame, {@link StoredClip#still}):
     * evaluated beside the splits for the contrasted accuracy ({@link FieldBiasMetrics}), not a split of its own.
     */
    /**
     * The saliency name of {@link LearnedSaliency} in the demo: motion-compensated maps refined by a
     * net trained on the train split's masks.
     */
    public static final String LEARNED = "learned";
    public static final String BG_SHIFT_STATIC = "bg-shift-static";
    /** What every model is evaluated on: {@link #EVAL_SPLITS} and {@link #BG_SHIFT_STATIC}. */
    private static final List<String> EVALUATED = java.util.stream.Stream.concat(EVAL_SPLITS.stream(),
            java.util.stream.Stream.of(BG_SHIFT_STATIC)).toList();
    /** The models, in report order. */
    public static final List<String> MODELS = List.of(Recipes.CEILING.name(), Recipes.BASE.name(), Recipes.ECRL.name(),
            Recipes.ECRL_PLUS.name());

    /**
     * Demo settings.
     *
     * @param out output folder
     * @param seeds training seeds
     * @param benchmark the benchmark to generate (its seed, size and counts)
     * @param frames T sampled frames
     * @param saliency saliency method for the split (motion: an estimate, not the oracle)
     * @param stage1 stage-1 options (built-in backbone from scratch)
     * @param head stage-2 head options
     * @param swap background swap probability of ecrl-plus
     * @param threads worker threads for decoding and saliency
     * @param widths the built-in backbone's stage widths
     * @param stage2 options of stage 2 trained end to end (encoder and head, MODEL.md section 5), or
     *     null to train the heads on the frozen stage-1 features
     * @param encoderLrScale stage 2: the encoder's learning rate over the head's
     * @param ecrlEncoders ecrl's encoders: {@code separate} (the paper: M_v is base's encoder, M_s and
     *     M_c train with a plain classifier on their own stream in stage 1) or {@code shared} (base's
     *     encoder for all three streams)
     * @param models the models to train, a subset of {@link #MODELS} (null or empty: all)
     * @param codeVersion the code version recorded in the provenance of the run folders
     * @param augment training-time sampling and augmentation of the encoders' training (stage 1 and
     *     stage 2 end to end; heads on frozen features see the evaluation clips)
     */
    public record Options(Path out, List<Long> seeds, SynthConfig benchmark, int frames, String saliency,
            TrainOptions stage1, TrainOptions head, double swap, int threads, List<Integer> widths,
            TrainOptions stage2, double encoderLrScale, EncoderSharing ecrlEncoders, List<String> models,
            String codeVersion, TrainingClips.Augmentation augment) {
        /** Settings without augmentation (every epoch sees the evaluation clips). */
        public Options(Path out, List<Long> seeds, SynthConfig benchmark, int frames, String saliency,
                TrainOptions stage1, TrainOptions head, double swap, int threads, List<Integer> widths,
                TrainOptions stage2, double encoderLrScale, EncoderSharing ecrlEncoders, List<String> models,
                String codeVersion) {
            this(out, seeds, benchmark, frames, saliency, stage1, head, swap, threads, widths, stage2, encoderLrScale,
                    ecrlEncoders, models, codeVersion, TrainingClips.Augmentation.OFF);
        }

        public Options {
            if (augment == null) {
                throw new IllegalArgumentException("augment must be given (TrainingClips.Augmentation.OFF for none)");
            }
            if (codeVersion == null || codeVersion.isBlank()) {
                throw new IllegalArgumentException("codeVersion must be given (the run folders record it), got "
                        + codeVersion);
            }
            models = models == null || models.isEmpty() ? MODELS : List.copyOf(models);
            for (String m : models) {
                if (!MODELS.contains(m)) {
                    throw new IllegalArgumentException("Unknown model '" + m + "'; the demo trains " + MODELS);
                }
            }
            if (ecrlEncoders == null) {
                throw new IllegalArgumentException("ecrl's encoders must be given (EncoderSharing.SEPARATE or SHARED)");
            }
        }

        /** The input size: the benchmark's frame size. */
        public int size() {
            return benchmark.size();
        }
    }

    /**
     * Renders the report of a run folder from its files (the demo's caller passes the report
     * renderer: the pipeline writes evidence, it does not render).
     */
    @FunctionalInterface
    public interface Renderer {
        /** Renders the report of {@code run} and returns the path of its page. */
        Path render(Path run) throws IOException;
    }

    private final Options options;
    private final PrintStream log;
    private final Renderer renderer;
    /** The run whose evidence was written at the end of the first seed (while its encoders were open). */
    private Path explained;
    /** The training clips of train and train-unbiased, drawn per epoch (set by {@link #run}). */
    private TrainingClips trainClips;
    private TrainingClips unbiasedClips;
    /** The encoders of the first seed's reported runs (by run name), for the evidence's Grad-CAM. */
    private final Map<String, Encoders> reportEncoders = new LinkedHashMap<>();
    /** Wall seconds per phase, summed over seeds (written to metrics.json as {@code timings}). */
    private final PhaseTimes times = new PhaseTimes();
    /** Stage-1 encoders trained side by side (1: one after the other). */
    private int stage1Workers = 1;
    /** Tests: the stage-1 job ("SEED NAME") that throws when it starts, or null. */
    String failingJobForTests;

    /** A demo that writes the evidence of its first seed's ECRL run but renders no report. */
    public Demo(Options options, PrintStream log) {
        this(options, log, null);
    }

    /**
     * @param renderer renders the report of the first seed's ECRL run once its evidence is written,
     *     or null for none
     */
    public Demo(Options options, PrintStream log, Renderer renderer) {
        this.options = options;
        this.log = log;
        this.renderer = renderer;
    }

    /**
     * Trains up to {@code workers} stage-1 encoders side by side (default 1: one after the other,
     * each seed's when its heads need them), queued over all seeds, so that the workers go on with
     * the next seed's encoders while this thread trains a seed's heads. The results do not depend on
     * it ({@link Stage1Pool#start}).
     */
    public Demo stage1Workers(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("stage-1 workers must be >= 1, got " + workers);
        }
        this.stage1Workers = workers;
        return this;
    }

    /**
     * Runs everything and writes {@code out/metrics.json}; returns that JSON tree as a map. Every
     * model (the learned saliency's net too) trains on one libtorch thread ({@link #MODEL_THREADS}),
     * the cores going to jobs side by side, so the numbers do not depend on the thread count.
     */
    public Map<String, Object> run() throws IOException {
        ai.djl.engine.Engine.getInstance(); // loads the native library
        int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(MODEL_THREADS); // this thread's own count
        try {
            return runOnOneThread();
        } finally {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
    }

    private Map<String, Object> runOnOneThread() throws IOException {
        long t0 = System.nanoTime();
        Path benchDir = options.out().resolve("benchmark");
        SynthConfig synth = options.benchmark();
        long phase = System.nanoTime();
        if (!Files.isRegularFile(benchDir.resolve(BenchmarkWriter.ANNOTATIONS)) || !sameBenchmark(benchDir, synth)) {
            log.printf(Locale.ROOT, "generating the Confounded Events benchmark%s in %s%n",
                    synth.hardness().none() ? "" : " (" + String.join(" ", synth.hardness().flags()) + ")", benchDir);
            BenchmarkWriter.Summary s = new BenchmarkWriter(new BenchmarkPlan(synth), options.threads(), log)
                    .write(benchDir, true);
            if (!s.failures().isEmpty()) {
                throw new IOException(s.failures().size() + " benchmark videos failed, first: " + s.failures().get(0));
            }
        } else {
            log.printf(Locale.ROOT, "reusing the benchmark in %s%n", benchDir);
        }
        times.add(PHASE_BENCHMARK, phase);
        Path annotations = benchDir.resolve(BenchmarkWriter.ANNOTATIONS);
        List<VideoSample> samples = DatasetReaders.read(annotations);
        List<String> classes = DatasetReaders.classes(annotations, samples);
        log.printf(Locale.ROOT, "decoding %d videos and computing %s saliency once for every model%n", samples.size(),
                options.saliency());
        boolean learned = options.saliency().equals(LEARNED);
        phase = System.nanoTime();
        ClipStore store = ClipStore.ingest(samples, classes, options.frames(), options.size(),
                learned ? "motion-compensated" : options.saliency(), options.threads(), log::println);
        times.add(PHASE_INGEST, phase);
        Map<String, Object> learnedInfo = null;
        LearnedSaliency net = null;
        if (learned) {
            learnedInfo = new LinkedHashMap<>();
            phase = System.nanoTime();
            net = learnSaliency(store, benchDir, options.seeds().get(0), learnedInfo);
            store = store.map(net::apply);
            times.add("learned saliency", phase);
            log.printf(Locale.ROOT, "learned saliency: mean IoU on iid %.3f (motion-compensated %.3f), for the record%n",
                    learnedInfo.get("iid_mean_iou_learned"), learnedInfo.get("iid_mean_iou_motion_compensated"));
        }
        phase = System.nanoTime();
        try {
            trainClips = trainingClips(store, "train", net);
            unbiasedClips = options.models().contains(Recipes.CEILING.name())
                    ? trainingClips(store, "train-unbiased", net) : null;
        } finally {
            if (net != null) {
                net.close();
            }
        }
        times.add("frame cache", phase);
        int l = classes.size();
        Map<String, Map<String, List<Double>>> acc1 = new LinkedHashMap<>();
        Map<String, Map<String, List<Double>>> acc5 = new LinkedHashMap<>();
        for (String m : options.models()) {
            acc1.put(m, new LinkedHashMap<>());
            acc5.put(m, new LinkedHashMap<>());
        }
        Map<String, List<FieldBiasMetrics>> field = new LinkedHashMap<>();
        try (Stage1Pool pool = new Stage1Pool()) {
            // Every seed's classifiers are created here, before any head trains (creation re-seeds
            // the engine's generator, which the heads' dropout draws from), and with side-by-side
            // workers every seed's encoders are queued at once: the workers go on to the next
            // seed's encoders while this thread trains the heads of the current one.
            List<SeedRun> seedRuns = new ArrayList<>();
            for (long seed : options.seeds()) {
                seedRuns.add(pool.start(seed, store, l));
            }
            for (SeedRun run : seedRuns) {
                log.printf(Locale.ROOT, "== seed %d%n", run.seed);
                Map<String, Map<String, Evaluation>> results = runSeed(run, store, l);
                for (var model : results.entrySet()) {
                    field.computeIfAbsent(model.getKey(), k -> new ArrayList<>()).add(fieldMetrics(store, model.getValue(), l));
                    for (var split : model.getValue().entrySet()) {
                        acc1.get(model.getKey()).computeIfAbsent(split.getKey(), k -> new ArrayList<>()).add(split.getValue().acc1());
                        acc5.get(model.getKey()).computeIfAbsent(split.getKey(), k -> new ArrayList<>()).add(split.getValue().acc5());
                    }
                }
            }
            pool.awaitAll();
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        Map<String, Object> bench = new LinkedHashMap<>();
        bench.put("classes", classes);
        bench.put("size", synth.size());
        bench.put("frames", synth.frames());
        bench.put("per_class", synth.perClass());
        bench.put("bg_bias", synth.bgBias());
        bench.put("obj_bias", synth.objBias());
        bench.put("seed", synth.seed());
        if (!synth.hardness().none()) {
            bench.put("hardness", synth.hardness().toJson());
        }
        bench.put("saliency", options.saliency());
        if (learnedInfo != null) {
            bench.put("learned_saliency", learnedInfo);
        }
        bench.put("sampled_frames", options.frames());
        bench.put("skipped_videos", store.failures().size());
        metrics.put("benchmark", bench);
        metrics.put("seeds", options.seeds());
        metrics.put("precision", org.ecrl4j.util.Precision.processDefault().label());
        metrics.put("augmentation", options.augment());
        metrics.put("chance", 1.0 / l);
        Map<String, Object> models = new LinkedHashMap<>();
        for (String m : options.models()) {
            Map<String, Object> mm = new LinkedHashMap<>();
            for (String split : EVAL_SPLITS) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("acc1", mean(acc1.get(m).get(split)));
                s.put("acc1_std", std(acc1.get(m).get(split)));
                s.put("acc5", mean(acc5.get(m).get(split)));
                s.put("acc5_std", std(acc5.get(m).get(split)));
                mm.put(split, s);
            }
            List<Double> gaps = new ArrayList<>();
            List<Double> objGaps = new ArrayList<>();
            List<Double> statics = new ArrayList<>();
            for (int i = 0; i < options.seeds().size(); i++) {
                Map<String, Double> perSplit = new LinkedHashMap<>();
                for (String split : TEST_SPLITS) {
                    perSplit.put(split, acc1.get(m).get(split).get(i));
                }
                BiasMetrics b = BiasMetrics.of(perSplit);
                gaps.add(b.biasGap());
                objGaps.add(b.objectGap());
                statics.add(b.staticBias());
            }
            mm.put("bias_gap", mean(gaps));
            mm.put("bias_gap_std", std(gaps));
            mm.put("object_gap", mean(objGaps));
            mm.put("object_gap_std", std(objGaps));
            mm.put("static_bias", mean(statics));
            mm.put("static_bias_std", std(statics));
            // The field's metrics (FieldBiasMetrics), mean and std over the seeds; null where not computable.
            for (String k : List.of("contrasted_accuracy", "follows_actor_rate", "static_bias_normalised")) {
                List<Double> xs = new ArrayList<>();
                for (FieldBiasMetrics f : field.getOrDefault(m, List.of())) {
                    Object v = f.toJson().get(k);
                    if (v != null) {
                        xs.add((Double) v);
                    }
                }
                mm.put(k, xs.isEmpty() ? null : mean(xs));
                mm.put(k + "_std", xs.isEmpty() ? null : std(xs));
            }
            models.put(m, mm);
        }
        metrics.put("models", models);
        Path index = null;
        if (explained != null && renderer != null) {
            phase = System.nanoTime();
            index = renderer.render(explained);
            times.add(PHASE_REPORT, phase);
            metrics.put("report", index.toAbsolutePath().toString());
        }
        metrics.put("seconds", (System.nanoTime() - t0) / 1e9);
        metrics.put("timings", times.toMap());
        AtomicFiles.writeString(options.out().resolve("metrics.json"), RunFolder.json().writeValueAsString(metrics));
        if (index != null) {
            log.println("report of the ECRL run (seed " + options.seeds().get(0) + ") against base: "
                    + index.toAbsolutePath());
        }
        return metrics;
    }

    /** The training clips of a split under the demo's augmentation (the frame cache built once). */
    private TrainingClips trainingClips(ClipStore store, String split, LearnedSaliency net) {
        if (options.augment().enabled()) {
            log.printf(Locale.ROOT, "augmentation of %s: %s%n", split, options.augment().describe());
        }
        TrainingClips t = TrainingClips.of(store.split(split), options.augment(), options.frames(), options.size(),
                net != null ? net::method : () -> SaliencyMethods.create(options.saliency()), options.threads(),
                log::println);
        if (t.varies()) {
            log.printf(Locale.ROOT, "  frame cache of %s: %d videos, %.1f MB%n", split, t.size(), t.cacheBytes() / 1e6);
        }
        return t;
    }

    /**
     * Whether the benchmark in {@code dir} was written with the size and hard-preset switches of
     * {@code synth} (a folder of the other preset is generated again, not reused).
     */
    static boolean sameBenchmark(Path dir, SynthConfig synth) {
        try {
            com.fasterxml.jackson.databind.JsonNode json = RunFolder.json().readTree(
                    dir.resolve(BenchmarkWriter.PARAMETERS).toFile());
            com.fasterxml.jackson.databind.JsonNode hardness = json.path("hardness");
            Object expected = synth.hardness().none() ? null : synth.hardness().toJson();
            Object found = hardness.isMissingNode() ? null : RunFolder.json().convertValue(hardness, Map.class);
            return json.path("size").asInt() == synth.size() && java.util.Objects.equals(expected, found);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Every stage-1 encoder of a seed, in the order the workers take them: those the heads of this
     * thread wait for first (ecrl-plus's, then base's, M_s and M_c for ecrl), ceiling's last. None
     * depends on another.
     */
    private List<Stage1Job> stage1Jobs() {
        EncoderTrainer.Input plain = FrozenHeads.stage1Input(Stage1.PLAIN, SplitOptions.PAPER, 0);
        String ceilingName = Recipes.CEILING.name();
        String baseName = Recipes.BASE.name();
        String ecrlName = Recipes.ECRL.name();
        String plusName = Recipes.ECRL_PLUS.name();
        List<String> models = options.models();
        List<Stage1Job> jobs = new ArrayList<>();
        if (models.contains(plusName)) {
            jobs.add(new Stage1Job(plusName, "ecrl-plus: clip-box masked foreground, GLCA on S, background swap p="
                    + options.swap() + ", one encoder for V, S and C trained with the swap", trainClips,
                    FrozenHeads.stage1Input(Recipes.ECRL_PLUS.stage1(), Recipes.ECRL_PLUS.split(), options.swap()),
                    false));
        }
        if (models.contains(baseName) || models.contains(ecrlName)) {
            jobs.add(new Stage1Job(baseName, "base: plain classifier on train (also ECRL's stage 1)", trainClips,
                    plain, models.contains(baseName)));
        }
        if (separateEcrlEncoders()) {
            jobs.add(new Stage1Job(M_S, "stage 1 of ecrl's M_s: plain classifier on the foreground stream S",
                    trainClips, FrozenHeads.stage1Input(Stage1.FOREGROUND, SplitOptions.PAPER, 0), false));
            jobs.add(new Stage1Job(M_C, "stage 1 of ecrl's M_c: plain classifier on the background stream C",
                    trainClips, FrozenHeads.stage1Input(Stage1.BACKGROUND, SplitOptions.PAPER, 0), false));
        }
        if (models.contains(ceilingName)) {
            jobs.add(new Stage1Job(ceilingName, "ceiling: base trained on train-unbiased", unbiasedClips, plain, true));
        }
        return jobs;
    }

    /** Whether ecrl runs with its own stage-1 M_s and M_c (the paper), beside base's M_v. */
    private boolean separateEcrlEncoders() {
        return options.models().contains(Recipes.ECRL.name()) && options.ecrlEncoders() == EncoderSharing.SEPARATE;
    }

    private Map<String, Map<String, Evaluation>> runSeed(SeedRun run, ClipStore store, int classes) {
        Map<String, Map<String, Evaluation>> results = new LinkedHashMap<>();
        long seed = run.seed;
        String baseName = Recipes.BASE.name();
        String ecrlName = Recipes.ECRL.name();
        String plusName = Recipes.ECRL_PLUS.name();
        List<String> models = options.models();
        NDManager manager = run.manager;
        Stage1Runs runs = run.runs;
        runs.runInline(); // one worker: this seed's encoders train here, now
        Map<String, Map<String, Evaluation>> heads = new LinkedHashMap<>();
        // Side by side, the heads train on this thread as soon as their encoders are ready, while
        // the other encoders still train (stage 1 neither draws from nor re-seeds the engine's
        // generator, which the heads' dropout draws from).
        if (models.contains(plusName)) {
            PooledClassifier plus = runs.get(plusName);
            log.println("ecrl-plus: heads on its stage-1 encoder (V, S and C)");
            Encoders plusEncoders = Encoders.of(plus.encoder(), EncoderSharing.SHARED, manager);
            heads.put(plusName, head(plusEncoders, manager, store, Recipes.ECRL_PLUS.head(),
                    Recipes.ECRL_PLUS.split(), Recipes.ECRL_PLUS.swappedCopies() && options.swap() > 0, classes,
                    seed, seed == options.seeds().get(0) ? runDir(plusName) : null));
        }
        if (models.contains(ecrlName)) {
            PooledClassifier base = runs.get(baseName);
            Encoders ecrlEncoders = separateEcrlEncoders()
                    ? Encoders.of(base.encoder(), runs.get(M_S).encoder(), runs.get(M_C).encoder())
                    : Encoders.of(base.encoder(), EncoderSharing.SHARED, manager);
            log.println("ecrl: the paper's ECRL (per-frame crop) from base's stage-1 encoder");
            boolean report = seed == options.seeds().get(0);
            heads.put(ecrlName, head(ecrlEncoders, manager, store, Recipes.ECRL.head(), Recipes.ECRL.split(),
                    Recipes.ECRL.swappedCopies(), classes, seed, report ? runDir(ecrlName) : null));
            if (report) {
                log.println("base head on base's frozen features, for the report's comparison");
                head(Encoders.of(base.encoder(), EncoderSharing.SHARED, manager), manager, store,
                        Recipes.BASE.head(), Recipes.BASE.split(), Recipes.BASE.swappedCopies(), classes, seed,
                        runDir(baseName));
                long phase = System.nanoTime();
                this.explained = writeEvidence(manager, store, seed);
                times.add(PHASE_EVIDENCE, phase);
            }
        }
        runs.awaitAll();
        for (String m : MODELS) {
            Map<String, Evaluation> e = runs.evaluated.containsKey(m) ? runs.evaluated.get(m) : heads.get(m);
            if (e != null) {
                results.put(m, e);
            }
        }
        run.close(); // after a failure the pool closes it, once its workers have stopped
        for (var e : results.entrySet()) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-10s", e.getKey()));
            for (var s : e.getValue().entrySet()) {
                sb.append(String.format(Locale.ROOT, "  %s %.3f", s.getKey(), s.getValue().acc1()));
            }
            log.println(sb);
        }
        return results;
    }

    /** ecrl's separate stage-1 encoders M_s and M_c (M_v is base's), by their phase names. */
    static final String M_S = "ecrl M_s";
    static final String M_C = "ecrl M_c";

    /**
     * One stage-1 encoder of a seed: its name (a model, or {@link #M_S} / {@link #M_C}), what the log
     * says before it trains, its training clips and its input stream, and whether its classifier is
     * a model the demo evaluates ({@code ceiling}, {@code base}: evaluated right after its training,
     * on the same worker).
     */
    private record Stage1Job(String name, String title, TrainingClips train, EncoderTrainer.Input input,
            boolean evaluated) {}

    /**
     * The stage-1 workers of the whole demo: {@link #stage1Workers} threads (none for 1: each seed's
     * encoders then train on the calling thread, in turn, when its heads need them). The queue holds
     * every seed's encoders in seed order, so the workers never wait for a seed's heads.
     */
    private final class Stage1Pool implements AutoCloseable {
        private final java.util.concurrent.ExecutorService pool;
        private final List<SeedRun> started = new ArrayList<>();
        private Throwable failure;

        Stage1Pool() {
            pool = stage1Workers <= 1 ? null : java.util.concurrent.Executors.newFixedThreadPool(stage1Workers, r -> {
                Thread t = new Thread(r, "ecrl4j-stage1");
                t.setDaemon(true);
                return t;
            });
        }

        /**
         * Creates the seed's classifiers on this thread, one after the other (creation re-seeds the
         * engine's generator), and queues their training; training draws only from the seed's own
         * generators, so each encoder ends exactly as it would trained alone, whatever the number of
         * workers and the scheduling of their threads. The jobs that are models are evaluated on
         * every split right after their training, on the same thread.
         */
        SeedRun start(long seed, ClipStore store, int classes) {
            SeedRun run = new SeedRun(seed);
            started.add(run);
            run.runs.failure = this::firstFailure;
            List<Stage1Job> jobs = stage1Jobs();
            for (Stage1Job j : jobs) {
                run.runs.classifiers.put(j.name(), FrozenHeads.newClassifier(run.manager, options.widths(),
                        options.frames(), options.size(), classes, seed));
            }
            List<StoredClip> val = store.split("val");
            if (pool == null) {
                run.runs.inline = () -> {
                    for (Stage1Job j : jobs) {
                        log.println(j.title());
                        runJob(j, run.runs, run.manager, store, classes, val, seed, log::println);
                        run.runs.done.put(j.name(), java.util.concurrent.CompletableFuture.completedFuture(null));
                    }
                };
                return run;
            }
            if (started.size() == 1) {
                log.printf(Locale.ROOT, "stage 1: %d encoders a seed, %d side by side, the next seed's while this"
                        + " thread trains the heads%n", jobs.size(), stage1Workers);
            }
            for (Stage1Job j : jobs) {
                run.runs.done.put(j.name(), submit(() -> {
                    // A new thread records no gradient until a training step asks for it.
                    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
                    ai.djl.pytorch.jni.JniUtils.setNumThreads(MODEL_THREADS); // this thread's own count
                    String prefix = "[seed " + seed + " " + j.name() + "] ";
                    log.println(prefix + j.title());
                    try {
                        runJob(j, run.runs, run.manager, store, classes, val, seed,
                                line -> log.println(prefix + line.strip()));
                    } catch (RuntimeException | Error e) {
                        failed(e); // no queued encoder starts; the heads' thread stops at its next wait
                        throw e;
                    }
                    return null;
                }));
            }
            return run;
        }

        /** Queues a job; once a job has failed (the queue is shut), throws that job's error. */
        private java.util.concurrent.Future<?> submit(java.util.concurrent.Callable<Void> job) {
            try {
                return pool.submit(job);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                Throwable failed = firstFailure();
                throw failed != null ? unchecked(failed) : e;
            }
        }

        private synchronized Throwable firstFailure() {
            return failure;
        }

        /** The first job failure: stops the queue, and {@link Stage1Runs#get} reports it. */
        private void failed(Throwable e) {
            synchronized (this) {
                if (failure == null) {
                    failure = e;
                }
            }
            // Jobs never started are cancelled, so a wait on one ends (with this failure) instead of hanging.
            for (Runnable queued : pool.shutdownNow()) {
                if (queued instanceof java.util.concurrent.Future<?> f) {
                    f.cancel(false);
                }
            }
        }

        /** Trains one stage-1 encoder (and evaluates it when it is a model), timing both. */
        private void runJob(Stage1Job j, Stage1Runs runs, NDManager manager, ClipStore store, int classes,
                List<StoredClip> val, long seed, java.util.function.Consumer<String> progress) {
            long t = System.nanoTime();
            runs.mark(t);
            if ((seed + " " + j.name()).equals(failingJobForTests)) {
                throw new IllegalStateException("stage 1 of " + j.name() + " (seed " + seed + ") failed on purpose");
            }
            PooledClassifier c = runs.classifiers.get(j.name());
            // The seed's manager: keep-best loads the kept parameters into it (they outlive the job).
            FrozenHeads.train(c, manager, classes, j.train(), val, j.input(), options.stage1().withSeed(seed), progress);
            times.add(stage1Phase(j.name()), t);
            runs.mark(System.nanoTime());
            if (j.evaluated()) {
                t = System.nanoTime();
                runs.evaluated.put(j.name(), evaluate(c, manager, store, j.input(), classes));
                times.add(PHASE_EVALUATION, t);
            }
        }

        /**
         * Waits for every job and adds stage 1's wall time: with workers, from the first start to
         * the last training end over all seeds; in turn, the sum of each seed's span (the heads
         * train between seeds).
         */
        void awaitAll() {
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            double sum = 0;
            for (SeedRun r : started) {
                r.runs.awaitAll();
                synchronized (r.runs) {
                    if (r.runs.first <= r.runs.last) {
                        first = Math.min(first, r.runs.first);
                        last = Math.max(last, r.runs.last);
                        sum += (r.runs.last - r.runs.first) / 1e9;
                    }
                }
            }
            if (first <= last) {
                times.add(PHASE_STAGE1_WALL, pool == null ? sum : (last - first) / 1e9);
            }
        }

        /**
         * Stops the workers: after {@link #awaitAll} they are idle; after a failure, jobs not yet
         * started are dropped and running ones end before their seeds' managers close.
         */
        @Override
        public void close() {
            if (pool != null) {
                pool.shutdownNow();
                // The workers' arrays live in the seeds' managers: wait for them even when this
                // thread is interrupted, and close the managers only after they stopped.
                boolean interrupted = false;
                while (true) {
                    try {
                        if (pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
                            break;
                        }
                        log.println("stage 1: waiting for the encoders still training");
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            for (SeedRun r : started) {
                r.close();
            }
        }
    }

    /** A seed's manager (its encoders and heads live in it) and its stage-1 encoders. */
    private static final class SeedRun implements AutoCloseable {
        final long seed;
        final NDManager manager = NDManager.newBaseManager();
        final Stage1Runs runs = new Stage1Runs();
        private boolean closed;

        SeedRun(long seed) {
            this.seed = seed;
        }

        /** Closes the manager once the seed is done (again by the pool after a failure: no-op). */
        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                manager.close();
            }
        }
    }

    /**
     * A seed's stage-1 encoders, trained or training. {@link #classifiers} and {@link #done} are
     * written on the heads' thread only (before the jobs are queued), in job order.
     */
    private static final class Stage1Runs {
        final Map<String, PooledClassifier> classifiers = new LinkedHashMap<>();
        final Map<String, java.util.concurrent.Future<?>> done = new LinkedHashMap<>();
        final Map<String, Map<String, Evaluation>> evaluated = new java.util.concurrent.ConcurrentHashMap<>();
        /** With one worker: trains the seed's encoders on the calling thread; null otherwise. */
        Runnable inline;
        /** The first job failure of any seed, checked before each wait (null: none). */
        java.util.function.Supplier<Throwable> failure = () -> null;
        /** First training start and last training end of the seed's jobs (nanoTime). */
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;

        synchronized void mark(long nanos) {
            first = Math.min(first, nanos);
            last = Math.max(last, nanos);
        }

        private void rethrowFailure() {
            Throwable failed = failure.get();
            if (failed != null) {
                throw unchecked(failed);
            }
        }

        /** Trains the encoders now when they were not queued to workers. */
        void runInline() {
            if (inline != null) {
                Runnable r = inline;
                inline = null;
                r.run();
            }
        }

        /** The trained classifier of a job, waiting for its training (and evaluation) to end. */
        PooledClassifier get(String name) {
            await(done.get(name));
            return classifiers.get(name);
        }

        /** Waits for every job, in job order (the first failed one's error is thrown). */
        void awaitAll() {
            for (var f : done.values()) {
                await(f);
            }
        }

        private void await(java.util.concurrent.Future<?> f) {
            rethrowFailure(); // another seed's encoder failed: stop now, not when its seed comes
            try {
                f.get();
            } catch (java.util.concurrent.CancellationException e) {
                rethrowFailure(); // cancelled because an encoder failed
                throw new IllegalStateException("stage 1 was stopped", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("stage 1 was interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw unchecked(e.getCause());
            }
        }
    }

    /** A stage-1 job's error as thrown: an unchecked one as it is (an Error is thrown here), else wrapped. */
    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof Error err) {
            throw err;
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }

    /**
     * Intra-op threads of every model the demo trains, whatever {@code --threads} says: the built-in
     * backbone's convolutions are too small to share well (a step at the demo's sizes took 27 ms on
     * one thread and 20-26 ms on two), so the cores are better spent on encoders side by side (two
     * encoders with one thread each ran 27-31 ms a step, with two threads each 45 ms). A fixed count
     * also keeps every result independent of {@link #stage1Workers} and {@code --threads}.
     */
    static final int MODEL_THREADS = 1;

    /** The phase name of a stage-1 encoder's training. */
    static String stage1Phase(String job) {
        return "stage 1: " + job;
    }

    /** Phase names of {@link PhaseTimes} in metrics.json's {@code timings}. */
    static final String PHASE_BENCHMARK = "benchmark";
    static final String PHASE_INGEST = "ingest (decode + saliency)";
    static final String PHASE_STAGE1_WALL = "stage 1 (wall, all encoders)";
    static final String PHASE_HEADS = "heads (features + training)";
    static final String PHASE_EVALUATION = "evaluation";
    static final String PHASE_EVIDENCE = "evidence (Grad-CAM, t-SNE)";
    static final String PHASE_REPORT = "report";

    private Map<String, Evaluation> evaluate(PooledClassifier c, NDManager manager, ClipStore store,
            EncoderTrainer.Input input, int classes) {
        Map<String, Evaluation> out = new LinkedHashMap<>();
        for (String split : EVALUATED) {
            List<StoredClip> clips = clipsOf(store, split);
            out.put(split, Evaluation.of(EncoderTrainer.logits(c, manager, clips, input, classes, 32),
                    EncoderTrainer.labels(clips), classes));
        }
        return out;
    }

    private Map<String, Evaluation> head(Encoders stage1, NDManager manager, ClipStore store, HeadConfig config,
            SplitOptions split, boolean swap, int classes, long seed, Path runDir) {
        long phase = System.nanoTime();
        FeatureSet train = FrozenHeads.trainingFeatures(stage1, manager, store.split("train"), split, swap, seed, 32);
        FeatureSet val = null; // the frozen path's val features, reused in the evaluation below
        boolean joint = options.stage2() != null && !config.equals(Recipes.BASE.head());
        Encoders encoders = stage1;
        HeadTrainer.Result r;
        if (joint) {
            // Stage 2 trains copies: base's encoder is shared with the base model and its head.
            encoders = stage1.copy(manager);
            TrainOptions o = options.stage2().withSeed(seed);
            var dicts = HeadTrainer.buildDictionaries(train, config, classes, seed);
            HeadModel model = HeadModel.create(config, new HeadShape(train.frames(), train.width(), classes),
                    dicts.getKey(), dicts.getValue(), seed);
            log.printf(Locale.ROOT, "  stage 2 end to end: %d epochs, head lr %.0e, encoder lr %.0e%s%n", o.epochs(),
                    o.learningRate(), o.learningRate() * options.encoderLrScale(),
                    swap ? ", background swap p=" + options.swap() : "");
            JointTrainer.Result jr;
            try {
                jr = JointTrainer.train(encoders, model, manager, trainClips, store.split("val"),
                        new JointTrainer.Input(split, swap ? options.swap() : 0, options.encoderLrScale()), o, null,
                        FrozenHeads.listener(log, o.epochs(), 2));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e); // no checkpoint: no file is touched
            }
            r = new HeadTrainer.Result(model, jr.history(), jr.keptEpoch());
        } else {
            val = VideoFeatures.ofClips(stage1, manager, store.split("val"), split, 32);
            r = HeadTrainer.train(train, val, config, classes, options.head().withSeed(seed),
                    FrozenHeads.listener(log, options.head().epochs(), 5));
        }
        times.add(PHASE_HEADS, phase);
        phase = System.nanoTime();
        Map<String, Evaluation> out = new LinkedHashMap<>();
        try (HeadModel model = r.model()) {
            for (String s : EVALUATED) {
                FeatureSet f = s.equals("val") && val != null ? val
                        : VideoFeatures.ofClips(encoders, manager, clipsOf(store, s), split, 32);
                out.put(s, Evaluation.of(model.logits(f, 64), f.labels(), classes));
                if (runDir != null && s.equals("iid")) {
                    saveFeatures(f, runDir.resolve(REPORT_FEATURES));
                }
            }
            if (runDir != null) {
                saveRun(runDir, model, r, out, store, seed);
                reportEncoders.put(runDir.getFileName().toString(), encoders);
            }
        }
        times.add(PHASE_EVALUATION, phase);
        return out;
    }

    /**
     * Writes the evidence of the ECRL run against the base run into the ECRL run folder (what its
     * report shows), with the frames, Grad-CAM maps and saliency split of the chosen iid videos:
     * each head with the encoders it was trained with (base: base's encoder for every stream; ecrl:
     * base's as M_v, with its own M_s and M_c when separate), each scored on its own features; the
     * rows of the test features are {@code store.split("iid")} split with {@link SplitOptions#PAPER}.
     * Only the few chosen videos are split and explained. Runs after the seed's heads, while stage-1
     * encoders (ceiling's, other seeds') may still train, and draws no random numbers, so the demo's
     * numbers do not depend on it. Returns the ECRL run folder.
     */
    private Path writeEvidence(NDManager manager, ClipStore store, long seed) {
        Path ecrlRun = runDir(Recipes.ECRL.name());
        Path baseRun = runDir(Recipes.BASE.name());
        List<StoredClip> iid = store.split("iid");
        Encoders ecrlEncoders = reportEncoders.get(Recipes.ECRL.name());
        Encoders baseEncoders = reportEncoders.get(Recipes.BASE.name());
        try (HeadModel ecrl = loadHead(ecrlRun); HeadModel plain = loadHead(baseRun)) {
            ClipEvidence.ClipSource source = i -> i < iid.size()
                    ? Optional.of(new ClipEvidence.NamedClip(iid.get(i).sample().path().toString(),
                            ClipBatches.split(iid.get(i), SplitOptions.PAPER)))
                    : Optional.empty();
            VideoEvidence evidence = new ClipEvidence(source, ClipEvidence.head(baseEncoders, plain),
                    ClipEvidence.head(ecrlEncoders, ecrl), manager, "the iid split has fewer videos than the test features");
            // Each run is scored on its own features of the iid videos (ecrl's encoders are its own).
            RunEvidence.write(new RunEvidence.Options(ecrlRun, ecrlRun.resolve(REPORT_FEATURES), baseRun,
                    baseRun.resolve(REPORT_FEATURES), evidence, 500, new Tsne.Options(30, 1000, 200, seed)), log);
            return ecrlRun;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot write the evidence of " + ecrlRun + ": " + e.getMessage(), e);
        }
    }

    private static HeadModel loadHead(Path run) throws IOException {
        RunFolder.RunConfig c = RunFolder.readConfig(run);
        return HeadModel.load(run, c.head(), c.shape());
    }

    /** The test features saved beside each reported run, for {@code ecrl4j report --features}. */
    public static final String REPORT_FEATURES = "features-iid.npz";

    private static void saveFeatures(FeatureSet f, Path file) {
        try {
            f.save(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a run folder (as `ecrl4j train` does) so that `ecrl4j report` can read it. */
    private void saveRun(Path dir, HeadModel model, HeadTrainer.Result r, Map<String, Evaluation> evals,
            ClipStore store, long seed) {
        List<String> classes = store.classes();
        try {
            Map<String, Path> inputs = new LinkedHashMap<>();
            inputs.put("annotations", options.out().resolve("benchmark").resolve(BenchmarkWriter.ANNOTATIONS));
            Map<String, Object> results = new LinkedHashMap<>();
            for (var e : evals.entrySet()) {
                if (!e.getKey().equals(BG_SHIFT_STATIC)) {
                    results.put(e.getKey(), e.getValue().toJson());
                }
            }
            Map<String, Double> acc1 = new LinkedHashMap<>();
            evals.forEach((k, v) -> acc1.put(k, v.acc1()));
            if (BiasMetrics.applicable(acc1.keySet())) {
                Map<String, Object> bias = new LinkedHashMap<>(BiasMetrics.of(acc1).toJson());
                bias.putAll(fieldMetrics(store, evals, classes.size()).toJson());
                results.put("bias", bias);
            }
            RunFolder.writeRun(dir, model, options.head().withSeed(seed), classes, options.codeVersion(), inputs,
                    r.history(), r.bestEpoch(), results);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot write the run folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The {@code learned} saliency: a {@link LearnedSaliency} net trained on the oracle masks of the
     * {@code train} clips only (seeded by {@code seed}) refines every clip's motion-compensated map.
     * For the record only (nothing is chosen on it), the mean IoU of both on {@code iid} is logged.
     */
    private LearnedSaliency learnSaliency(ClipStore store, Path benchDir, long seed, Map<String, Object> info) {
        long t0 = System.nanoTime();
        try (OracleSaliencyMethod oracle = new OracleSaliencyMethod(benchDir)) {
            LearnedSaliency.MaskSource masks = c -> oracle.compute(c.frames(), new ClipSource(c.sample().path(),
                    c.frameIndices(), "square"));
            LearnedSaliency net = LearnedSaliency.train(store.clips(), masks, seed, LearnedSaliency.Options.DEFAULT,
                    log::println);
            info.put("seed", seed);
            info.put("train_loss", (double) net.finalLoss());
            info.put("seconds", (System.nanoTime() - t0) / 1e9);
            // For the record only, after training: nothing is chosen on these test-split figures.
            List<StoredClip> iid = store.split("iid");
            info.put("iid_mean_iou_motion_compensated", meanIou(iid, masks));
            info.put("iid_mean_iou_learned", meanIou(iid.stream().map(net::apply).toList(), masks));
            return net;
        }
    }

    /** Mean IoU of the clips' foreground masks (saliency >= the split's threshold) against the truth. */
    static double meanIou(List<StoredClip> clips, LearnedSaliency.MaskSource truth) {
        double sum = 0;
        int n = 0;
        int fg = SplitOptions.PLUS.foregroundThreshold();
        for (StoredClip c : clips) {
            List<SaliencyMap> g = truth.masks(c);
            for (int t = 0; t < g.size(); t++) {
                java.util.OptionalDouble iou = SaliencyEvaluator.iou(mask(c.saliency().get(t), fg), mask(g.get(t), 128));
                if (iou.isPresent()) {
                    sum += iou.getAsDouble();
                    n++;
                }
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static Mask mask(SaliencyMap m, int threshold) {
        byte[] v = new byte[m.values().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) ((m.values()[i] & 0xff) >= threshold ? 1 : 0);
        }
        return new Mask(m.width(), m.height(), v);
    }

    /** Where the first seed's runs are kept for the report. */
    private Path runDir(String model) {
        return options.out().resolve("runs").resolve(model);
    }

    /**
     * The clips of a split; {@code val-swap} is val with backgrounds swapped (fixed seed);
     * {@code val-static} is val frozen on its first frame (T copies, with the empty saliency a motion
     * method gives a still clip): no event is left,
     * only the scene, so its Acc@1 is the share of videos a model still puts in their labelled class
     * from the scene alone, a static-bias probe built from val without looking at a test split.
     */
    private static List<StoredClip> clipsOf(ClipStore store, String split) {
        if (split.equals("val-static")) {
            return still(store.split("val"));
        }
        if (split.equals(BG_SHIFT_STATIC)) {
            return still(store.split("bg-shift"));
        }
        if (split.equals("val-swap")) {
            return BackgroundSwap.swapClips(store.split("val"), 12345, SplitOptions.PLUS.foregroundThreshold());
        }
        return store.split(split);
    }

    /**
     * Each clip frozen on its first frame: T copies of it, with the empty saliency a motion method
     * gives a still clip; label and sample kept.
     */
    static List<StoredClip> still(List<StoredClip> clips) {
        List<StoredClip> out = new ArrayList<>(clips.size());
        for (StoredClip c : clips) {
            out.add(c.still());
        }
        return out;
    }

    /**
     * The field's bias metrics of one model and seed: contrasted accuracy from its predictions on
     * bg-shift and on their static versions, follows-actor rate with the home class of each bg-shift
     * video's background (read from the bg-only videos), and the chance-normalised static bias.
     */
    static FieldBiasMetrics fieldMetrics(ClipStore store, Map<String, Evaluation> evals, int classes) {
        List<StoredClip> shift = store.split("bg-shift");
        List<StoredClip> bgOnly = store.split("bg-only");
        Map<String, Integer> home = FieldBiasMetrics.homeClasses(
                bgOnly.stream().map(c -> c.sample().attributes().get(FieldBiasMetrics.BACKGROUND)).toList(),
                bgOnly.stream().mapToLong(StoredClip::label).toArray());
        long[] labels = shift.stream().mapToLong(StoredClip::label).toArray();
        int[] backgroundHome = shift.stream()
                .mapToInt(c -> home.getOrDefault(c.sample().attributes().get(FieldBiasMetrics.BACKGROUND), -1)).toArray();
        return FieldBiasMetrics.of(evals.get("bg-shift").predictions(), evals.get(BG_SHIFT_STATIC).predictions(), labels,
                backgroundHome, evals.get("bg-only").acc1(), classes);
    }

    static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    static double std(List<Double> xs) {
        if (xs.size() < 2) {
            return 0;
        }
        double m = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (xs.size() - 1));
    }
}
