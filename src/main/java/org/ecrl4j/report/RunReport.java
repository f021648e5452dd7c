package org.ecrl4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.RunFolder;
import org.ecrl4j.util.AtomicFiles;

/**
 * Writes the HTML report of a run folder: {@code RUN/report/index.html} with its SVG charts and PNG
 * images, readable offline (no script, no font, nothing fetched).
 *
 * <p>Sections (each an element with the id in brackets): configuration and provenance
 * ({@code config}), metrics per split and bias metrics ({@code metrics}), training curves
 * ({@code curves}), confusion matrices ({@code confusion}), Fig. 5 t-SNE ({@code tsne}), Fig. 7 top-3
 * classes of chosen videos ({@code top3}), Fig. 6 frame weights, attention and Grad-CAM
 * ({@code frames}). Figures that need test features say so when {@code --features} is absent.
 *
 * <p>The report is built in a temporary folder next to the run and moved into place at the end, so
 * a reader never sees a half-written report and a failed run leaves the previous one intact.
 */
public final class RunReport {
    /** Folder of the report inside the run folder. */
    public static final String FOLDER = "report";
    /** The report's page. */
    public static final String INDEX = "index.html";
    /** Section ids, in page order. */
    public static final List<String> SECTIONS = List.of("config", "metrics", "curves", "confusion", "tsne", "top3",
            "frames");

    /**
     * What to report.
     *
     * @param run the run folder (ECRL, or any configuration)
     * @param features test features, or null (then no t-SNE, top-3 or frame figures)
     * @param compare a base run folder to compare against, or null
     * @param compareFeatures the compared run's own test features (the same videos in the same order,
     *     through its own encoders), or null when it reads {@code features} too (heads on one frozen
     *     encoder, or runs trained on one feature file)
     * @param evidence frames, Grad-CAM and saliency of the test videos ({@link VideoEvidence#NONE} if none)
     * @param maxPoints at most this many test videos in the t-SNE (a seeded random subset)
     * @param tsne t-SNE settings
     * @param limits what the feature files may hold (--max-array-bytes)
     */
    public record Options(Path run, Path features, Path compare, Path compareFeatures, VideoEvidence evidence,
            int maxPoints, Tsne.Options tsne, FeatureSet.Limits limits) {
        /** Both runs read {@code features}. */
        public Options(Path run, Path features, Path compare, VideoEvidence evidence, int maxPoints, Tsne.Options tsne) {
            this(run, features, compare, null, evidence, maxPoints, tsne);
        }

        /** Feature files read with {@link FeatureSet.Limits#defaults()}. */
        public Options(Path run, Path features, Path compare, Path compareFeatures, VideoEvidence evidence,
                int maxPoints, Tsne.Options tsne) {
            this(run, features, compare, compareFeatures, evidence, maxPoints, tsne, FeatureSet.Limits.defaults());
        }

        public Options {
            if (compareFeatures != null && (compare == null || features == null)) {
                throw new IllegalArgumentException("compareFeatures needs a compared run and the run's own features");
            }
            if (limits == null) {
                throw new IllegalArgumentException("A report needs feature-file limits (FeatureSet.Limits.defaults())");
            }
            if (run == null) {
                throw new IllegalArgumentException("A report needs a run folder");
            }
            if (maxPoints < 2) {
                throw new IllegalArgumentException("maxPoints must be >= 2, got " + maxPoints);
            }
            evidence = evidence == null ? VideoEvidence.NONE : evidence;
            tsne = tsne == null ? Tsne.Options.defaults(0) : tsne;
        }
    }

    private final Options options;
    private final PrintStream log;
    private final StringBuilder html = new StringBuilder();
    private Path tmp;
    private int figures;

    private RunReport(Options options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /**
     * Writes the report and returns the path of its index.html.
     *
     * @throws IOException naming the file when the run folder, the features or the compared run is unusable
     */
    public static Path write(Options options, PrintStream log) throws IOException {
        return new RunReport(options, log).write();
    }

    private Path write() throws IOException {
        Path run = options.run();
        RunFolder.RunConfig config = RunFolder.readConfig(run);
        ObjectNode metrics = RunFolder.readMetrics(run);
        RunFolder.RunConfig baseConfig = options.compare() == null ? null : RunFolder.readConfig(options.compare());
        FeatureSet test = null;
        FeatureSet baseTest = null;
        if (options.features() != null) {
            log.println("report: loading " + options.features());
            test = FeatureSet.load(options.features(), options.limits());
            baseTest = test;
            if (options.compareFeatures() != null) {
                log.println("report: loading " + options.compareFeatures());
                baseTest = FeatureSet.load(options.compareFeatures(), options.limits());
                if (baseTest.count() != test.count() || !java.util.Arrays.equals(baseTest.labels(), test.labels())) {
                    throw new IllegalArgumentException(options.compareFeatures() + " holds " + baseTest.count()
                            + " videos but " + options.features() + " holds " + test.count() + " (or their labels"
                            + " differ); the compared run's features must be of the same videos in the same order");
                }
            }
        }
        Path target = run.resolve(FOLDER);
        tmp = Files.createTempDirectory(run, ".report-");
        try {
            List<String> classes = classNames(config);
            begin(config);
            configSection(config, baseConfig);
            metricsSection(metrics);
            curvesSection(metrics);
            Outputs out = test == null ? null : outputs(config, baseConfig, test, baseTest);
            confusionSection(metrics, out, test, classes);
            tsneSection(out, test, classes, config, baseConfig);
            Map<CaseSelection.Case, Integer> chosen = top3Section(out, test, classes, config, baseConfig);
            framesSection(out, chosen, classes, test);
            html.append("</section>\n</main>\n</body>\n</html>\n");
            AtomicFiles.writeString(tmp.resolve(INDEX), html.toString());
            replace(tmp, target);
        } finally {
            deleteTree(tmp);
        }
        return target.resolve(INDEX);
    }

    /** Outputs of the ECRL run and of the base run on the test features. */
    private record Outputs(Map<String, float[]> ecrl, Map<String, float[]> base, int classes) {}

    private Outputs outputs(RunFolder.RunConfig config, RunFolder.RunConfig baseConfig, FeatureSet test,
            FeatureSet baseTest) throws IOException {
        int l = config.shape().classes();
        if (test.classesSeen() > l) {
            throw new IllegalArgumentException(options.features() + ": labels go up to " + (test.classesSeen() - 1)
                    + " but the run was trained for " + l + " classes");
        }
        Map<String, float[]> ecrl = runOutputs(options.run(), config, test, options.features());
        Map<String, float[]> base = null;
        if (baseConfig != null) {
            if (baseConfig.shape().classes() != l) {
                throw new IllegalArgumentException(options.compare() + " was trained for " + baseConfig.shape().classes()
                        + " classes, " + options.run() + " for " + l + "; compare runs of the same dataset");
            }
            Path file = options.compareFeatures() != null ? options.compareFeatures() : options.features();
            base = runOutputs(options.compare(), baseConfig, baseTest, file);
        }
        return new Outputs(ecrl, base, l);
    }

    private Map<String, float[]> runOutputs(Path dir, RunFolder.RunConfig config, FeatureSet test, Path file)
            throws IOException {
        log.println("report: running " + config.head().name() + " (" + dir + ") on " + test.count() + " test videos");
        try (HeadModel model = HeadModel.load(dir, config.head(), config.shape())) {
            model.checkCompatible(test, file.toString());
            List<String> names = new ArrayList<>(List.of("logits", "pooled_v"));
            for (String n : List.of("F_cc", "F_fd", "w_s", "w_c", "a_local")) {
                if (has(config, n)) {
                    names.add(n);
                }
            }
            return model.outputs(test, 64, names);
        }
    }

    /** Whether a configuration produces the named output (see EcrlHead). */
    static boolean has(RunFolder.RunConfig c, String output) {
        var h = c.head();
        return switch (output) {
            case "F_cc" -> h.backdoor();
            case "F_fd", "a_local" -> h.frontdoor();
            case "w_s" -> h.branch() == org.ecrl4j.nn.Branch.FOREGROUND || h.branch() == org.ecrl4j.nn.Branch.JOINT;
            case "w_c" -> h.branch() == org.ecrl4j.nn.Branch.BACKGROUND || h.branch() == org.ecrl4j.nn.Branch.JOINT;
            default -> true;
        };
    }

    static List<String> classNames(RunFolder.RunConfig config) {
        int l = config.shape().classes();
        List<String> names = new ArrayList<>();
        for (int c = 0; c < l; c++) {
            names.add(config.classes() != null && c < config.classes().size() ? config.classes().get(c)
                    : Integer.toString(c));
        }
        return names;
    }

    // ---------------------------------------------------------------- page

    private void begin(RunFolder.RunConfig config) {
        String title = "ECRL4J report: " + config.head().name() + " — " + options.run().toAbsolutePath().getFileName();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(Svg.esc(title)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:0;color:#222;background:#fafafa}")
                .append("main{max-width:1200px;margin:auto;padding:0 16px 40px}")
                .append("section{background:white;border:1px solid #ddd;border-radius:6px;margin:16px 0;padding:8px 16px}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}")
                .append("td.num{text-align:right;font-variant-numeric:tabular-nums}")
                .append(".figs{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}")
                .append("figure{margin:0}figcaption{font-size:12px;color:#555;max-width:460px}")
                .append(".note{color:#8a5a00;font-size:13px}.video{border-top:1px solid #eee;padding:8px 0}")
                .append("\n</style>\n</head>\n<body>\n<main>\n<h1>").append(Svg.esc(title)).append("</h1>\n");
    }

    private void section(String id, String title) {
        if (html.indexOf("<section") >= 0) {
            html.append("</section>\n");
        }
        html.append("<section id=\"").append(id).append("\">\n<h2>").append(Svg.esc(title)).append("</h2>\n");
    }

    private void note(String s) {
        html.append("<p class=\"note\">").append(Svg.esc(s)).append("</p>\n");
    }

    /** Writes an SVG file and embeds it as an image with a caption. */
    private void svgFigure(String file, String svg, String caption) throws IOException {
        AtomicFiles.writeString(tmp.resolve(file), svg);
        figure(file, caption);
    }

    private void figure(String file, String caption) {
        figures++;
        html.append("<figure><img src=\"").append(file).append("\" alt=\"").append(Svg.esc(caption))
                .append("\"><figcaption>").append(Svg.esc(caption)).append("</figcaption></figure>\n");
    }

    private void configSection(RunFolder.RunConfig config, RunFolder.RunConfig baseConfig) {
        section("config", "Configuration and provenance");
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("run folder", options.run().toAbsolutePath().toString());
        flatten("", RunFolder.json().valueToTree(config.head()), rows, "head.");
        flatten("", RunFolder.json().valueToTree(config.shape()), rows, "shape.");
        flatten("", RunFolder.json().valueToTree(config.training()), rows, "training.");
        rows.put("classes", String.join(", ", classNames(config)));
        flatten("", RunFolder.json().valueToTree(config.provenance()), rows, "provenance.");
        if (baseConfig != null) {
            rows.put("compared with", options.compare().toAbsolutePath() + " (" + baseConfig.head().name() + ")");
        }
        if (options.features() != null) {
            rows.put("test features", options.features().toAbsolutePath().toString());
        }
        if (options.compareFeatures() != null) {
            rows.put("compared run's test features", options.compareFeatures().toAbsolutePath().toString());
        }
        html.append("<table>\n");
        rows.forEach((k, v) -> html.append("<tr><th>").append(Svg.esc(k)).append("</th><td>").append(Svg.esc(v))
                .append("</td></tr>\n"));
        html.append("</table>\n");
    }

    private static void flatten(String path, JsonNode n, Map<String, String> out, String prefix) {
        if (n == null || n.isNull()) {
            return;
        }
        if (n.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out, prefix);
            }
        } else {
            out.put(prefix + path, n.isValueNode() ? n.asText() : n.toString());
        }
    }

    /** Metric columns of the per-split table: JSON key and header. */
    static final List<String[]> METRIC_COLUMNS = List.of(new String[] {"acc1", "Acc@1"},
            new String[] {"acc5", "Acc@k"}, new String[] {"mean_class_acc", "mean class acc"},
            new String[] {"count", "videos"});

    private void metricsSection(ObjectNode metrics) {
        section("metrics", "Metrics");
        List<String> splits = splits(metrics);
        if (splits.isEmpty()) {
            note("metrics.json has no per-split metrics.");
        } else {
            html.append("<table id=\"metrics-table\">\n<tr><th>split</th>");
            for (String[] c : METRIC_COLUMNS) {
                html.append("<th>").append(c[1]).append("</th>");
            }
            html.append("</tr>\n");
            for (String s : splits) {
                JsonNode m = metrics.get(s);
                html.append("<tr data-split=\"").append(Svg.esc(s)).append("\"><th>").append(Svg.esc(s)).append("</th>");
                for (String[] c : METRIC_COLUMNS) {
                    cell(c[0], m.get(c[0]));
                }
                html.append("</tr>\n");
            }
            html.append("</table>\n");
            JsonNode k = metrics.get(splits.get(0)).get("top_k");
            if (k != null) {
                html.append("<p>Acc@k uses k = ").append(k.asInt()).append(" (5, or L when there are fewer classes).");
            }
            if (metrics.has("kept_epoch") && !metrics.get("kept_epoch").isNull()) {
                html.append(" Parameters kept from epoch ").append(metrics.get("kept_epoch").asInt()).append('.');
            }
            html.append("</p>\n");
        }
        Map<String, JsonNode> bias = biasMetrics(metrics);
        if (!bias.isEmpty()) {
            html.append("<h3>Bias metrics</h3>\n<table id=\"bias-table\">\n<tr><th>metric</th><th>value</th></tr>\n");
            bias.forEach((k, v) -> {
                html.append("<tr><th>").append(Svg.esc(k)).append("</th>");
                cell(k, v);
                html.append("</tr>\n");
            });
            html.append("</table>\n");
        }
    }

    /** A table cell showing a number to 4 decimals, with its exact value in {@code data-value}. */
    private void cell(String key, JsonNode v) {
        if (v == null || !v.isNumber()) {
            html.append("<td class=\"num\">–</td>");
            return;
        }
        String shown = v.isIntegralNumber() ? v.asText() : String.format(Locale.ROOT, "%.4f", v.asDouble());
        html.append("<td class=\"num\" data-key=\"").append(key).append("\" data-value=\"").append(v.asText())
                .append("\">").append(shown).append("</td>");
    }

    /** Splits in metrics.json: objects holding acc1 (train, val and any other). */
    static List<String> splits(ObjectNode metrics) {
        List<String> out = new ArrayList<>();
        metrics.fieldNames().forEachRemaining(f -> {
            if (metrics.get(f).isObject() && metrics.get(f).has("acc1")) {
                out.add(f);
            }
        });
        return out;
    }

    /** Bias metrics: a {@code bias} object, or bias_gap, object_gap, static_bias (and their _std) at top level. */
    static Map<String, JsonNode> biasMetrics(ObjectNode metrics) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        JsonNode b = metrics.get("bias");
        if (b != null && b.isObject()) {
            b.fields().forEachRemaining(e -> {
                if (e.getValue().isNumber()) {
                    out.put(e.getKey(), e.getValue());
                }
            });
        }
        for (String k : List.of("bias_gap", "bias_gap_std", "object_gap", "object_gap_std", "static_bias",
                "static_bias_std")) {
            if (metrics.has(k) && metrics.get(k).isNumber()) {
                out.put(k, metrics.get(k));
            }
        }
        return out;
    }

    private void curvesSection(ObjectNode metrics) throws IOException {
        section("curves", "Training curves");
        JsonNode h = metrics.get("history");
        if (h == null || !h.isArray() || h.isEmpty()) {
            note("metrics.json has no per-epoch history.");
            return;
        }
        int n = h.size();
        double[] epoch = new double[n];
        double[][] v = new double[6][n];
        String[] keys = {"loss", "valLoss", "acc1", "valAcc1"};
        for (int i = 0; i < n; i++) {
            JsonNode e = h.get(i);
            epoch[i] = e.path("epoch").asDouble(i + 1);
            for (int k = 0; k < keys.length; k++) {
                JsonNode x = e.get(keys[k]);
                v[k][i] = x == null || !x.isNumber() ? Double.NaN : x.asDouble();
            }
        }
        html.append("<div class=\"figs\">\n");
        svgFigure("curve-loss.svg", Svg.lineChart("Loss per epoch", "epoch", "loss", List.of(
                new Svg.Series("train", epoch, v[0], Svg.colour(0), false),
                new Svg.Series("val", epoch, v[1], Svg.colour(1), true))), "Cross-entropy loss, train and val");
        svgFigure("curve-acc1.svg", Svg.lineChart("Acc@1 per epoch", "epoch", "Acc@1", List.of(
                new Svg.Series("train", epoch, v[2], Svg.colour(0), false),
                new Svg.Series("val", epoch, v[3], Svg.colour(1), true))), "Top-1 accuracy, train and val");
        html.append("</div>\n");
    }

    private void confusionSection(ObjectNode metrics, Outputs out, FeatureSet test, List<String> classes)
            throws IOException {
        section("confusion", "Confusion matrices");
        html.append("<div class=\"figs\">\n");
        for (String s : splits(metrics)) {
            int[][] m = confusion(metrics.get(s).get("confusion"), classes.size());
            if (m != null) {
                svgFigure("confusion-" + safe(s) + ".svg", Svg.confusion("Confusion (" + s + ")", m, classes),
                        "Confusion matrix on " + s + ": rows true class, columns predicted");
            }
        }
        if (out != null) {
            Evaluation e = Evaluation.of(out.ecrl().get("logits"), test.labels(), out.classes());
            svgFigure("confusion-test.svg", Svg.confusion("Confusion (test features)", e.confusion(), classes),
                    String.format(Locale.ROOT, "Confusion matrix on %s (Acc@1 %.4f over %d videos)",
                            options.features().getFileName(), e.acc1(), e.count()));
        }
        html.append("</div>\n");
    }

    static int[][] confusion(JsonNode n, int l) {
        if (n == null || !n.isArray() || n.size() != l) {
            return null;
        }
        int[][] m = new int[l][l];
        for (int r = 0; r < l; r++) {
            if (n.get(r).size() != l) {
                return null;
            }
            for (int c = 0; c < l; c++) {
                m[r][c] = n.get(r).get(c).asInt();
            }
        }
        return m;
    }

    private void tsneSection(Outputs out, FeatureSet test, List<String> classes, RunFolder.RunConfig config,
            RunFolder.RunConfig baseConfig) throws IOException {
        section("tsne", "Fig. 5: t-SNE of test features before and after the intervention");
        if (out == null) {
            note("Pass --features TEST.npz to embed the test features.");
            return;
        }
        int[] subset = subset(test.count(), options.maxPoints(), options.tsne().seed());
        int[] labels = new int[subset.length];
        for (int i = 0; i < subset.length; i++) {
            labels[i] = (int) test.labels()[subset[i]];
        }
        Map<String, float[]> before = out.base() != null ? out.base() : out.ecrl();
        String beforeName = out.base() != null ? baseConfig.head().name() : config.head().name();
        List<Object[]> todo = new ArrayList<>();
        todo.add(new Object[] {"tsne-before.svg", "before: pooled F_v (" + beforeName + ")", before.get("pooled_v"),
            "Mean-pooled video features of " + beforeName + ", before any intervention"});
        if (out.ecrl().containsKey("F_cc")) {
            todo.add(new Object[] {"tsne-fcc.svg", "after: F_cc (back-door)", out.ecrl().get("F_cc"),
                "Back-door adjusted features F_cc of " + config.head().name()});
        }
        if (out.ecrl().containsKey("F_fd")) {
            todo.add(new Object[] {"tsne-ffd.svg", "after: F_fd (front-door)", out.ecrl().get("F_fd"),
                "Front-door adjusted features F_fd of " + config.head().name()});
        }
        if (todo.size() == 1) {
            note(config.head().name() + " has neither back-door nor front-door path; only the features before"
                    + " the intervention are shown.");
        }
        html.append("<p>").append(subset.length).append(" of ").append(test.count())
                .append(String.format(Locale.ROOT, " test videos; perplexity %.0f, %d iterations, seed %d.",
                        options.tsne().perplexity(), options.tsne().iterations(), options.tsne().seed()))
                .append("</p>\n<div class=\"figs\">\n");
        for (Object[] t : todo) {
            float[] flat = (float[]) t[2];
            int d = flat.length / test.count(); // the compared run may have its own width
            double[][] x = new double[subset.length][d];
            for (int i = 0; i < subset.length; i++) {
                for (int k = 0; k < d; k++) {
                    x[i][k] = flat[subset[i] * d + k];
                }
            }
            log.println("report: t-SNE of " + t[1]);
            double[][] y = Tsne.embed(x, options.tsne());
            svgFigure((String) t[0], Svg.scatter((String) t[1], y, labels, classes), (String) t[3]);
        }
        html.append("</div>\n");
    }

    /** A seeded random subset of {@code max} of {@code n} indices (all when n <= max), sorted. */
    static int[] subset(int n, int max, long seed) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (n <= max) {
            return idx;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < max; i++) {
            int j = i + r.nextInt(n - i);
            int tmpv = idx[i];
            idx[i] = idx[j];
            idx[j] = tmpv;
        }
        int[] out = java.util.Arrays.copyOf(idx, max);
        java.util.Arrays.sort(out);
        return out;
    }

    private Map<CaseSelection.Case, Integer> top3Section(Outputs out, FeatureSet test, List<String> classes,
            RunFolder.RunConfig config, RunFolder.RunConfig baseConfig) throws IOException {
        section("top3", "Fig. 7: top-3 classes of chosen test videos");
        if (out == null) {
            note("Pass --features TEST.npz (and --compare BASE_RUN) to choose test videos.");
            return Map.of();
        }
        int l = out.classes();
        int[] ecrlPred = CaseSelection.argmax(out.ecrl().get("logits"), l);
        int[] basePred = out.base() == null ? null : CaseSelection.argmax(out.base().get("logits"), l);
        Map<CaseSelection.Case, Integer> chosen = CaseSelection.pick(ecrlPred, basePred, test.labels());
        if (out.base() == null) {
            note("No --compare run: videos are chosen by whether " + config.head().name() + " is right.");
        }
        html.append("<div class=\"figs\">\n");
        for (Map.Entry<CaseSelection.Case, Integer> e : chosen.entrySet()) {
            int i = e.getValue();
            int truth = (int) test.labels()[i];
            List<String> models = new ArrayList<>();
            List<int[]> top = new ArrayList<>();
            List<double[]> probs = new ArrayList<>();
            if (out.base() != null) {
                add(models, top, probs, "base: " + baseConfig.head().name(), out.base().get("logits"), i, l);
            }
            add(models, top, probs, "ECRL: " + config.head().name(), out.ecrl().get("logits"), i, l);
            String title = e.getKey().label() + " — video #" + i;
            svgFigure("top3-" + i + ".svg", Svg.topK(title, models, top, probs, classes, truth),
                    "Test video #" + i + " (" + e.getKey().label() + "), true class " + classes.get(truth)
                            + " (marked \u2713)");
        }
        html.append("</div>\n");
        return chosen;
    }

    private static void add(List<String> models, List<int[]> top, List<double[]> probs, String name, float[] logits,
            int i, int l) {
        double[] p = CaseSelection.softmax(logits, i, l);
        int[] k = CaseSelection.topK(p, 3);
        double[] kp = new double[k.length];
        for (int j = 0; j < k.length; j++) {
            kp[j] = p[k[j]];
        }
        models.add(name);
        top.add(k);
        probs.add(kp);
    }

    private void framesSection(Outputs out, Map<CaseSelection.Case, Integer> chosen, List<String> classes,
            FeatureSet test) throws IOException {
        section("frames", "Fig. 6: frame weights, attention over frames and Grad-CAM of the chosen videos");
        if (out == null || chosen.isEmpty()) {
            note("Pass --features TEST.npz to see the frame-level figures.");
            return;
        }
        int t = test.frames();
        boolean anyPanel = false;
        String camNote = options.evidence().camNote();
        if (camNote != null) {
            note(camNote);
        }
        for (Map.Entry<CaseSelection.Case, Integer> e : chosen.entrySet()) {
            int i = e.getValue();
            html.append("<div class=\"video\"><h3>Video #").append(i).append(" — ").append(Svg.esc(e.getKey().label()))
                    .append(", true class ").append(Svg.esc(classes.get((int) test.labels()[i]))).append("</h3>\n");
            html.append("<div class=\"figs\">\n");
            List<String> names = new ArrayList<>();
            List<double[]> ccm = new ArrayList<>();
            for (String[] k : new String[][] {{"w_s", "w_s (foreground)"}, {"w_c", "w_c (background)"}}) {
                if (out.ecrl().containsKey(k[0])) {
                    names.add(k[1]);
                    ccm.add(row(out.ecrl().get(k[0]), i, t));
                }
            }
            if (!ccm.isEmpty()) {
                svgFigure("ccm-" + i + ".svg", Svg.bars("CCM frame weights", names, ccm, "frame"),
                        "Cross-frame modelling weights over the T frames (Eq. 1-3)");
            }
            if (out.ecrl().containsKey("a_local")) {
                svgFigure("glca-" + i + ".svg", Svg.bars("GLCA local attention", List.of("a_local"),
                        List.of(row(out.ecrl().get("a_local"), i, t)), "frame"),
                        "Local causal attention of GLCA over the frames (Eq. 10)");
            }
            if (ccm.isEmpty() && !out.ecrl().containsKey("a_local")) {
                note("This configuration has neither cross-frame modelling nor GLCA: no frame weights.");
            }
            Optional<VideoPanel> panel;
            try {
                panel = options.evidence().panel(i);
            } catch (IOException | RuntimeException ex) {
                // One unreadable video loses its own panel, not the report.
                log.println("report: no frames for video #" + i + ": " + ex.getMessage());
                note("Frames of video #" + i + " are not shown: " + ex.getMessage());
                anyPanel = true;
                panel = Optional.empty();
            }
            if (panel.isPresent()) {
                anyPanel = true;
                videoPanel(i, panel.get());
            }
            html.append("</div></div>\n");
        }
        if (!anyPanel) {
            note("Frames, Grad-CAM and the saliency split are not shown: " + options.evidence().unavailableReason()
                    + ".");
        }
    }

    private void videoPanel(int i, VideoPanel p) throws IOException {
        int scale = Math.max(1, 96 / Math.max(1, p.frames().get(0).width()));
        List<java.awt.image.BufferedImage> tiles = new ArrayList<>();
        p.frames().forEach(f -> tiles.add(Images.frame(f, scale)));
        Images.writePng(tmp.resolve("frames-" + i + ".png"), Images.strip(tiles));
        figure("frames-" + i + ".png", "Sampled frames of " + p.video());
        for (Object[] cam : new Object[][] {{"base", p.baseCam()}, {"ecrl", p.ecrlCam()}}) {
            float[][][] maps = (float[][][]) cam[1];
            if (maps == null) {
                continue;
            }
            List<java.awt.image.BufferedImage> over = new ArrayList<>();
            for (int f = 0; f < maps.length; f++) {
                over.add(Images.overlay(p.frames().get(f), maps[f], scale));
            }
            String file = "gradcam-" + cam[0] + "-" + i + ".png";
            Images.writePng(tmp.resolve(file), Images.strip(over));
            figure(file, "Grad-CAM of the " + (cam[0].equals("base") ? "base" : "ECRL") + " model's M_v for its"
                    + " predicted class, through the paths that read the whole frames (red: most evidence)");
        }
        if (p.split() != null) {
            var s = p.split();
            String[][] rows = {{"saliency", "saliency maps"}, {"foreground", "foreground crops S"},
                {"background", "backgrounds C"}};
            for (String[] r : rows) {
                List<java.awt.image.BufferedImage> strip = new ArrayList<>();
                for (int f = 0; f < s.whole().size(); f++) {
                    strip.add(switch (r[0]) {
                        case "saliency" -> Images.saliency(s.saliency().get(f), scale);
                        case "foreground" -> Images.frame(s.foreground().get(f), scale);
                        default -> Images.frame(s.background().get(f), scale);
                    });
                }
                String file = "split-" + r[0] + "-" + i + ".png";
                Images.writePng(tmp.resolve(file), Images.strip(strip));
                figure(file, "Saliency split: " + r[1]);
            }
        }
    }

    private static double[] row(float[] flat, int i, int t) {
        double[] r = new double[t];
        for (int k = 0; k < t; k++) {
            r[k] = flat[i * t + k];
        }
        return r;
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /** Moves the finished folder into place, replacing an older report. */
    private static void replace(Path finished, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + FOLDER + "-old-" + System.nanoTime());
            Files.move(target, old);
        }
        try {
            Files.move(finished, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(finished, target);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, target);
            }
            throw e;
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Number of figures the last page holds (for progress messages). */
    int figureCount() {
        return figures;
    }
}
