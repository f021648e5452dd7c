package org.ecrl4j.pipeline;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.ecrl4j.data.DatasetReaders;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.eval.BiasMetrics;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.PooledClassifier;
import org.ecrl4j.nn.backbone.VideoEncoder;
import org.ecrl4j.recipe.Recipe;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.recipe.Stage1;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.train.HeadTrainer;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.TrainOptions;
import org.ecrl4j.util.AtomicFiles;

/**
 * The ablation tables (MODEL.md sections 3, 6 and 6b; paper Tables 3, 4 and 5, and the product
 * table {@code plus}): every row trained over several seeds on one ingested dataset, evaluated on
 * every test split present, written as {@code table-<t>.md} and {@code table-<t>.csv} with the mean
 * and standard deviation of Acc@1 and Acc@5 per split (and the bias gap on the built-in benchmark).
 *
 * <p>Within one seed a stage-1 encoder is trained once per kind of stage 1 (plain, swap p=1) and
 * shared by every row that uses it ({@code base-swap} and {@code ecrl-plus} share the swapped one);
 * heads train on its frozen features.
 */
public final class Ablation {
    /**
     * Ablation settings.
     *
     * @param annotations the annotation file (or dataset folder) to read
     * @param out output folder of the table files
     * @param table one of {@link Recipes#TABLES}
     * @param seeds training seeds
     * @param frames T sampled frames
     * @param size square input size
     * @param saliency saliency method name
     * @param stage1 stage-1 training options
     * @param head head training options
     * @param threads worker threads for decoding and saliency
     * @param widths channel widths of the built-in backbone
     * @param separate the rows on the plain stage 1 with the paper's split use separate encoders, as the
     *     paper does: M_v the plain classifier's, M_s and M_c trained on S and C (else one for all)
     */
    public record Options(Path annotations, Path out, String table, List<Long> seeds, int frames, int size,
            String saliency, TrainOptions stage1, TrainOptions head, int threads, List<Integer> widths,
            boolean separate) {}

    /**
     * The mean and standard deviation over seeds of one row.
     *
     * @param configuration the row's full configuration ({@link Recipe#describe()})
     */
    public record RowResult(String name, String configuration, Map<String, double[]> acc1, Map<String, double[]> acc5,
            double[] biasGap) {}

    private final Options options;
    private final PrintStream log;

    public Ablation(Options options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /** The annotation file of a benchmark folder, or the path itself. */
    public static Path annotationsOf(Path data) {
        Path a = data.resolve(org.ecrl4j.synth.BenchmarkWriter.ANNOTATIONS);
        return Files.isDirectory(data) && Files.isRegularFile(a) ? a : data;
    }

    /** Trains every row over every seed, writes the table files and returns the rows' results. */
    public List<RowResult> run() throws IOException {
        List<Recipe> rows = Recipes.table(options.table());
        if (options.seeds().isEmpty()) {
            throw new IllegalArgumentException("at least one seed is needed");
        }
        Path annotations = annotationsOf(options.annotations());
        List<VideoSample> samples = DatasetReaders.read(annotations);
        List<String> classes = DatasetReaders.classes(annotations, samples);
        log.printf(Locale.ROOT, "table %s: %d rows x %d seeds; decoding %d videos once (%s saliency)%n",
                options.table(), rows.size(), options.seeds().size(), samples.size(), options.saliency());
        ClipStore store = ClipStore.ingest(samples, classes, options.frames(), options.size(), options.saliency(),
                options.threads(), log::println);
        for (DatasetMapper.Failure f : store.failures()) {
            log.println("skipped " + f.video() + ": " + f.reason());
        }
        if (store.split("train").isEmpty()) {
            throw new IllegalArgumentException("No readable 'train' videos in " + annotations
                    + "; the annotations need a train split");
        }
        List<String> splits = testSplits(store);
        log.println("test splits: " + splits);
        int l = classes.size();
        // row -> split -> per-seed values
        Map<String, Map<String, List<Double>>> acc1 = new LinkedHashMap<>();
        Map<String, Map<String, List<Double>>> acc5 = new LinkedHashMap<>();
        for (Recipe r : rows) {
            acc1.put(r.name(), new LinkedHashMap<>());
            acc5.put(r.name(), new LinkedHashMap<>());
        }
        for (long seed : options.seeds()) {
            log.printf(Locale.ROOT, "== seed %d%n", seed);
            try (NDManager manager = NDManager.newBaseManager()) {
                Map<Stage1, PooledClassifier> encoders = new EnumMap<>(Stage1.class);
                for (Recipe r : rows) {
                    VideoEncoder v = encoders.computeIfAbsent(r.stage1(), k -> stage1(manager, l, store, r, seed))
                            .encoder();
                    Encoders enc = Encoders.of(v, EncoderSharing.SHARED, manager);
                    if (options.separate() && r.stage1() == Stage1.PLAIN && r.split().equals(SplitOptions.PAPER)
                            && r.head().branch() != org.ecrl4j.nn.Branch.NONE) {
                        enc = Encoders.of(v,
                                encoders.computeIfAbsent(Stage1.FOREGROUND, k -> stage1(manager, l, store, r, k, seed)).encoder(),
                                encoders.computeIfAbsent(Stage1.BACKGROUND, k -> stage1(manager, l, store, r, k, seed)).encoder());
                    }
                    log.printf(Locale.ROOT, "row %s (head %s, stage 1 %s)%n", r.name(), r.head().name(),
                            r.stage1().name().toLowerCase(Locale.ROOT));
                    Map<String, Evaluation> ev = head(enc, manager, store, r, splits, l, seed);
                    StringBuilder sb = new StringBuilder("  ");
                    for (var e : ev.entrySet()) {
                        acc1.get(r.name()).computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue().acc1());
                        acc5.get(r.name()).computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue().acc5());
                        sb.append(String.format(Locale.ROOT, " %s %.3f", e.getKey(), e.getValue().acc1()));
                    }
                    log.println(sb);
                }
            }
        }
        boolean bias = BiasMetrics.applicable(new LinkedHashSet<>(splits));
        List<RowResult> results = new ArrayList<>();
        for (Recipe r : rows) {
            Map<String, double[]> a1 = new LinkedHashMap<>();
            Map<String, double[]> a5 = new LinkedHashMap<>();
            for (String s : splits) {
                a1.put(s, meanStd(acc1.get(r.name()).get(s)));
                a5.put(s, meanStd(acc5.get(r.name()).get(s)));
            }
            double[] gap = null;
            if (bias) {
                List<Double> gaps = new ArrayList<>();
                for (int i = 0; i < options.seeds().size(); i++) {
                    Map<String, Double> perSplit = new LinkedHashMap<>();
                    for (String s : splits) {
                        perSplit.put(s, acc1.get(r.name()).get(s).get(i));
                    }
                    gaps.add(BiasMetrics.of(perSplit).biasGap());
                }
                gap = meanStd(gaps);
            }
            results.add(new RowResult(r.name(), r.describe(), a1, a5, gap));
        }
        Path md = options.out().resolve("table-" + options.table() + ".md");
        Path csv = options.out().resolve("table-" + options.table() + ".csv");
        AtomicFiles.writeString(md, markdown(options.table(), splits, results, options.seeds().size(), 1.0 / l));
        AtomicFiles.writeString(csv, csv(splits, results));
        log.println("wrote " + md + " and " + csv);
        return results;
    }

    /** The test splits present: iid, bg-shift, obj-shift, bg-only (those present), else {@code test}. */
    static List<String> testSplits(ClipStore store) {
        List<String> out = new ArrayList<>();
        for (String s : Demo.TEST_SPLITS) {
            if (!store.split(s).isEmpty()) {
                out.add(s);
            }
        }
        if (out.isEmpty() && !store.split("test").isEmpty()) {
            out.add("test");
        }
        if (out.isEmpty()) {
            Set<String> have = new LinkedHashSet<>();
            store.clips().forEach(c -> have.add(c.sample().split()));
            throw new IllegalArgumentException("No test split in the annotations (have " + have
                    + "); add videos with split 'test' (or iid, bg-shift, obj-shift, bg-only)");
        }
        return out;
    }

    private PooledClassifier stage1(NDManager manager, int classes, ClipStore store, Recipe recipe, long seed) {
        return stage1(manager, classes, store, recipe, recipe.stage1(), seed);
    }

    /** The stage-1 encoder of {@code kind} (the recipe's, or M_s/M_c of its separate encoders). */
    private PooledClassifier stage1(NDManager manager, int classes, ClipStore store, Recipe recipe, Stage1 kind,
            long seed) {
        log.println("stage 1 (" + kind.name().toLowerCase(Locale.ROOT) + "), seed " + seed);
        return FrozenHeads.stage1(manager, options.widths(), options.frames(), options.size(), classes,
                TrainingClips.fixed(store.split("train")), store.split("val"),
                FrozenHeads.stage1Input(kind, recipe.split(), recipe.swap()),
                options.stage1().withSeed(seed), log);
    }

    private Map<String, Evaluation> head(Encoders encoders, NDManager manager, ClipStore store, Recipe row,
            List<String> splits, int classes, long seed) {
        FeatureSet train = FrozenHeads.trainingFeatures(encoders, manager, store.split("train"), row.split(),
                row.swappedCopies(), seed, 32);
        FeatureSet val = VideoFeatures.ofClips(encoders, manager, store.split("val"), row.split(), 32);
        HeadTrainer.Result r = HeadTrainer.train(train, val, row.head(), classes, options.head().withSeed(seed),
                FrozenHeads.listener(log, options.head().epochs(), 0));
        Map<String, Evaluation> out = new LinkedHashMap<>();
        try (HeadModel model = r.model()) {
            for (String s : splits) {
                FeatureSet f = VideoFeatures.ofClips(encoders, manager, store.split(s), row.split(), 32);
                out.put(s, Evaluation.of(model.logits(f, 64), f.labels(), classes));
            }
        }
        return out;
    }

    /** The CSV columns for the given splits. */
    public static List<String> csvColumns(List<String> splits, boolean bias) {
        List<String> cols = new ArrayList<>(List.of("row"));
        for (String s : splits) {
            cols.add(s + "_acc1");
            cols.add(s + "_acc1_std");
            cols.add(s + "_acc5");
            cols.add(s + "_acc5_std");
        }
        if (bias) {
            cols.add("bias_gap");
            cols.add("bias_gap_std");
        }
        cols.add("configuration");
        return cols;
    }

    static String csv(List<String> splits, List<RowResult> results) throws IOException {
        boolean bias = !results.isEmpty() && results.get(0).biasGap() != null;
        StringBuilder sb = new StringBuilder();
        try (org.apache.commons.csv.CSVPrinter p = new org.apache.commons.csv.CSVPrinter(sb,
                org.apache.commons.csv.CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build())) {
            p.printRecord(csvColumns(splits, bias));
            for (RowResult r : results) {
                List<String> v = new ArrayList<>(List.of(r.name()));
                for (String s : splits) {
                    v.add(num(r.acc1().get(s)[0]));
                    v.add(num(r.acc1().get(s)[1]));
                    v.add(num(r.acc5().get(s)[0]));
                    v.add(num(r.acc5().get(s)[1]));
                }
                if (bias) {
                    v.add(num(r.biasGap()[0]));
                    v.add(num(r.biasGap()[1]));
                }
                v.add(r.configuration());
                p.printRecord(v);
            }
        }
        return sb.toString();
    }

    static String markdown(String table, List<String> splits, List<RowResult> results, int seeds, double chance) {
        boolean bias = !results.isEmpty() && results.get(0).biasGap() != null;
        StringBuilder sb = new StringBuilder();
        sb.append("# Ablation table ").append(table).append("\n\n");
        sb.append(String.format(Locale.ROOT, "Mean ± standard deviation over %d seed(s); chance Acc@1 %.3f.%n%n",
                seeds, chance));
        sb.append("| row |");
        for (String s : splits) {
            sb.append(' ').append(s).append(" Acc@1 | ").append(s).append(" Acc@5 |");
        }
        if (bias) {
            sb.append(" bias gap |");
        }
        sb.append("\n|---|");
        sb.append("---|".repeat(splits.size() * 2 + (bias ? 1 : 0)));
        sb.append('\n');
        for (RowResult r : results) {
            sb.append("| ").append(r.name()).append(" |");
            for (String s : splits) {
                sb.append(pm(r.acc1().get(s))).append(" |").append(pm(r.acc5().get(s))).append(" |");
            }
            if (bias) {
                sb.append(pm(r.biasGap())).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String pm(double[] ms) {
        return String.format(Locale.ROOT, " %.3f ± %.3f", ms[0], ms[1]);
    }

    private static String num(double x) {
        return String.format(Locale.ROOT, "%.6f", x);
    }

    private static double[] meanStd(List<Double> xs) {
        return new double[] {Demo.mean(xs), Demo.std(xs)};
    }
}
