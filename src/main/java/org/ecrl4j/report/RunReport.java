package org.ecrl4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ecrl4j.explain.Evidence;
import org.ecrl4j.train.RunFolder;
import org.ecrl4j.util.AtomicFiles;

/**
 * Renders the HTML report of a run folder: {@code RUN/report/index.html} with its SVG charts and PNG
 * images, readable offline (no script, no font, nothing fetched).
 *
 * <p>It only reads files: {@code config.json} and {@code metrics.json} of the run, and the
 * {@code evidence/} folder the explain step of evaluation wrote
 * ({@link org.ecrl4j.explain.RunEvidence}: test confusion, t-SNE coordinates, chosen videos with
 * their top-3 classes, frame weights and the PNG strips of frames, Grad-CAM and the saliency split).
 * It runs no model and decodes no video.
 *
 * <p>Sections (each an element with the id in brackets): configuration and provenance
 * ({@code config}), metrics per split and bias metrics ({@code metrics}), training curves
 * ({@code curves}), confusion matrices ({@code confusion}), Fig. 5 t-SNE ({@code tsne}), Fig. 7 top-3
 * classes of chosen videos ({@code top3}), Fig. 6 frame weights, attention and Grad-CAM
 * ({@code frames}). Figures that need test features say so when the evidence has none.
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

    private final Path run;
    private final Evidence evidence;
    private final StringBuilder html = new StringBuilder();
    private Path tmp;
    private int figures;

    private RunReport(Path run, Evidence evidence) {
        this.run = run;
        this.evidence = evidence;
    }

    /**
     * Renders the report of a run folder and returns the path of its index.html.
     *
     * @throws IOException naming the file when the run folder or its evidence is unusable
     */
    public static Path write(Path run) throws IOException {
        if (run == null) {
            throw new IllegalArgumentException("A report needs a run folder");
        }
        RunFolder.RunConfig config = RunFolder.readConfig(run);
        ObjectNode metrics = RunFolder.readMetrics(run);
        Evidence evidence = Evidence.read(run).orElse(Evidence.none());
        return new RunReport(run, evidence).write(config, metrics);
    }

    private Path write(RunFolder.RunConfig config, ObjectNode metrics) throws IOException {
        Path target = run.resolve(FOLDER);
        tmp = Files.createTempDirectory(run, ".report-");
        try {
            List<String> classes = classNames(config);
            begin(config);
            configSection(config);
            metricsSection(metrics);
            curvesSection(metrics);
            confusionSection(metrics, classes);
            tsneSection(classes, config);
            top3Section(classes, config);
            framesSection(classes);
            html.append("</section>\n</main>\n</body>\n</html>\n");
            AtomicFiles.writeString(tmp.resolve(INDEX), html.toString());
            AtomicFiles.replaceFolder(tmp, target);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
        return target.resolve(INDEX);
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
        String title = "ECRL4J report: " + config.head().name() + " — " + run.toAbsolutePath().getFileName();
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

    private void configSection(RunFolder.RunConfig config) {
        section("config", "Configuration and provenance");
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("run folder", run.toAbsolutePath().toString());
        flatten("", RunFolder.json().valueToTree(config.head()), rows, "head.");
        flatten("", RunFolder.json().valueToTree(config.shape()), rows, "shape.");
        flatten("", RunFolder.json().valueToTree(config.training()), rows, "training.");
        rows.put("classes", String.join(", ", classNames(config)));
        flatten("", RunFolder.json().valueToTree(config.provenance()), rows, "provenance.");
        if (evidence.compare() != null) {
            rows.put("compared with", evidence.compare() + " (" + evidence.compareName() + ")");
        }
        if (evidence.features() != null) {
            rows.put("test features", evidence.features());
        }
        if (evidence.compareFeatures() != null) {
            rows.put("compared run's test features", evidence.compareFeatures());
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

    /**
     * Bias metrics: a {@code bias} object, or bias_gap, object_gap, static_bias and the field's
     * contrasted_accuracy, follows_actor_rate, static_bias_normalised (and their _std) at top level.
     */
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
                "static_bias_std", "contrasted_accuracy", "contrasted_accuracy_std", "follows_actor_rate",
                "follows_actor_rate_std", "static_bias_normalised", "static_bias_normalised_std")) {
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

    private void confusionSection(ObjectNode metrics, List<String> classes) throws IOException {
        section("confusion", "Confusion matrices");
        html.append("<div class=\"figs\">\n");
        for (String s : splits(metrics)) {
            int[][] m = confusion(metrics.get(s).get("confusion"), classes.size());
            if (m != null) {
                svgFigure("confusion-" + safe(s) + ".svg", Svg.confusion("Confusion (" + s + ")", m, classes),
                        "Confusion matrix on " + s + ": rows true class, columns predicted");
            }
        }
        if (evidence.hasOutputs()) {
            Evidence.Confusion e = evidence.confusion();
            svgFigure("confusion-test.svg", Svg.confusion("Confusion (test features)", e.matrix(), classes),
                    String.format(Locale.ROOT, "Confusion matrix on %s (Acc@1 %.4f over %d videos)",
                            evidence.featuresName(), e.acc1(), e.count()));
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

    private void tsneSection(List<String> classes, RunFolder.RunConfig config) throws IOException {
        section("tsne", "Fig. 5: t-SNE of test features before and after the intervention");
        if (!evidence.hasOutputs()) {
            note("Pass --features TEST.npz to embed the test features.");
            return;
        }
        Evidence.TsneFigure t = evidence.tsne();
        if (t.panels().size() == 1) {
            note(config.head().name() + " has neither back-door nor front-door path; only the features before"
                    + " the intervention are shown.");
        }
        html.append("<p>").append(t.labels().length).append(" of ").append(t.total())
                .append(String.format(Locale.ROOT, " test videos; perplexity %.0f, %d iterations, seed %d.",
                        t.perplexity(), t.iterations(), t.seed()))
                .append("</p>\n<div class=\"figs\">\n");
        for (Evidence.TsnePanel p : t.panels()) {
            svgFigure(p.file(), Svg.scatter(p.title(), p.points(), t.labels(), classes), p.caption());
        }
        html.append("</div>\n");
    }

    private void top3Section(List<String> classes, RunFolder.RunConfig config) throws IOException {
        section("top3", "Fig. 7: top-3 classes of chosen test videos");
        if (!evidence.hasOutputs()) {
            note("Pass --features TEST.npz (and --compare BASE_RUN) to choose test videos.");
            return;
        }
        if (evidence.compare() == null) {
            note("No --compare run: videos are chosen by whether " + config.head().name() + " is right.");
        }
        html.append("<div class=\"figs\">\n");
        for (Evidence.Chosen c : evidence.cases()) {
            int i = c.index();
            String title = c.label() + " — video #" + i;
            svgFigure("top3-" + i + ".svg", Svg.topK(title, c.models(), List.of(c.top()), List.of(c.probs()), classes,
                    c.truth()), "Test video #" + i + " (" + c.label() + "), true class " + classes.get(c.truth())
                            + " (marked \u2713)");
        }
        html.append("</div>\n");
    }

    private void framesSection(List<String> classes) throws IOException {
        section("frames", "Fig. 6: frame weights, attention over frames and Grad-CAM of the chosen videos");
        if (!evidence.hasOutputs() || evidence.cases().isEmpty()) {
            note("Pass --features TEST.npz to see the frame-level figures.");
            return;
        }
        boolean anyPanel = false;
        if (evidence.camNote() != null) {
            note(evidence.camNote());
        }
        for (Evidence.Chosen c : evidence.cases()) {
            int i = c.index();
            html.append("<div class=\"video\"><h3>Video #").append(i).append(" — ").append(Svg.esc(c.label()))
                    .append(", true class ").append(Svg.esc(classes.get(c.truth()))).append("</h3>\n");
            html.append("<div class=\"figs\">\n");
            if (!c.ccmNames().isEmpty()) {
                svgFigure("ccm-" + i + ".svg", Svg.bars("CCM frame weights", c.ccmNames(), List.of(c.ccm()), "frame"),
                        "Cross-frame modelling weights over the T frames (Eq. 1-3)");
            }
            if (c.glca() != null) {
                svgFigure("glca-" + i + ".svg", Svg.bars("GLCA local attention", List.of("a_local"),
                        List.<double[]>of(c.glca()), "frame"),
                        "Local causal attention of GLCA over the frames (Eq. 10)");
            }
            if (c.ccmNames().isEmpty() && c.glca() == null) {
                note("This configuration has neither cross-frame modelling nor GLCA: no frame weights.");
            }
            if (c.panelError() != null) {
                // One unreadable video lost its own panel, not the report.
                note("Frames of video #" + i + " are not shown: " + c.panelError());
                anyPanel = true;
            }
            if (c.panel() != null) {
                anyPanel = true;
                videoPanel(c.panel());
            }
            html.append("</div></div>\n");
        }
        if (!anyPanel) {
            note("Frames, Grad-CAM and the saliency split are not shown: " + evidence.unavailableReason() + ".");
        }
    }

    /** Copies the PNG strips of one video from the evidence folder and shows them. */
    private void videoPanel(Evidence.Panel p) throws IOException {
        pngFigure(p.frames(), "Sampled frames of " + p.video());
        for (String[] cam : new String[][] {{"base", p.baseCam()}, {"ECRL", p.ecrlCam()}}) {
            if (cam[1] != null) {
                pngFigure(cam[1], "Grad-CAM of the " + cam[0] + " model's M_v for its predicted class, through the"
                        + " paths that read the whole frames (red: most evidence)");
            }
        }
        String[] what = {"saliency maps", "foreground crops S", "backgrounds C"};
        for (int k = 0; k < p.split().size(); k++) {
            pngFigure(p.split().get(k), "Saliency split: " + what[k]);
        }
    }

    private void pngFigure(String file, String caption) throws IOException {
        Path from = run.resolve(Evidence.FOLDER).resolve(file);
        if (!file.equals(from.getFileName().toString())) {
            throw new IOException(run.resolve(Evidence.FOLDER).resolve(Evidence.FILE) + " names a file outside its"
                    + " folder: " + file);
        }
        Files.copy(from, tmp.resolve(file));
        figure(file, caption);
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /** Number of figures the last page holds (for progress messages). */
    int figureCount() {
        return figures;
    }
}
