package org.ecrl4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ecrl4j.util.AtomicFiles;

/**
 * The demo's front page, {@code DIR/index.html}: the claim at a glance, rendered from the demo's
 * {@code metrics.json} alone. It holds the models side by side with the benchmark's and the field's
 * bias metrics, a grouped bar chart of iid Acc@1, bg-shift Acc@1 and static bias per model with
 * chance marked, and a link to each model's report where the demo wrote one.
 */
public final class DemoIndex {
    /** The page, in the demo's folder. */
    public static final String INDEX = "index.html";
    /** The chart's bars, in order: key in metrics.json, label. */
    static final String[][] BARS = {{"iid", "iid Acc@1"}, {"bg-shift", "bg-shift Acc@1"},
        {"static_bias", "static bias (bg-only)"}};
    /** The colour of the chance line. */
    static final String CHANCE_COLOUR = "#D55E00";

    private DemoIndex() {}

    /**
     * Writes {@code dir/index.html} from {@code dir/metrics.json}.
     *
     * @param reportOf the report page of a model relative to {@code dir}, or null when it has none
     * @return the page
     * @throws IOException naming metrics.json when it is missing or not the demo's
     */
    public static Path write(Path dir, java.util.function.Function<String, Path> reportOf) throws IOException {
        Path file = dir.resolve("metrics.json");
        JsonNode m;
        try {
            m = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " cannot be read (" + e.getMessage() + "); run ecrl4j demo again", e);
        }
        if (m == null || !m.path("models").isObject() || !m.path("chance").isNumber()) {
            throw new IOException(file + " is not the metrics of ecrl4j demo (no models or chance); run ecrl4j demo again");
        }
        Path page = dir.resolve(INDEX);
        AtomicFiles.writeString(page, html(m, model -> {
            Path r = reportOf.apply(model);
            return r != null && Files.isRegularFile(dir.resolve(r)) ? r : null;
        }));
        return page;
    }

    static String html(JsonNode m, java.util.function.Function<String, Path> reportOf) {
        double chance = m.get("chance").asDouble();
        List<String> models = new ArrayList<>();
        m.get("models").fieldNames().forEachRemaining(models::add);
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>ECRL4J demo: the Confounded Events benchmark</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:0;color:#222;background:#fafafa}")
                .append("main{max-width:1200px;margin:auto;padding:0 16px 40px}")
                .append("section{background:white;border:1px solid #ddd;border-radius:6px;margin:16px 0;padding:8px 16px}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}")
                .append("td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}dt{font-weight:bold}dd{margin:0 0 6px 16px}")
                .append("\n</style>\n</head>\n<body>\n<main>\n<h1>ECRL4J demo: the Confounded Events benchmark</h1>\n");
        JsonNode bench = m.path("benchmark");
        h.append("<p>Every model was trained where the background gives the class away (")
                .append(esc(fmtPct(bench.path("bg_bias").asDouble(Double.NaN))))
                .append(" of the training videos show their class's home background), then tested where it does not."
                        + " A model that learned the event keeps its accuracy on <b>bg-shift</b> (the background is never"
                        + " the class's home) and leaves the <b>static bias</b> (background-only videos put in the"
                        + " background's home class) at chance, ")
                .append(String.format(Locale.ROOT, "%.3f", chance)).append(". Mean ± standard deviation over ")
                .append(m.path("seeds").size()).append(" seed(s) ").append(esc(m.path("seeds").toString()))
                .append("; ").append(bench.path("classes").size()).append(" classes, ")
                .append(esc(bench.path("saliency").asText("?"))).append(" saliency.</p>\n");

        h.append("<section id=\"models\">\n<h2>The models side by side</h2>\n<table>\n<tr><th>model</th>"
                + "<th>iid Acc@1</th><th>bg-shift Acc@1</th><th>obj-shift Acc@1</th><th>static bias</th>"
                + "<th>bias gap</th><th>contrasted accuracy</th><th>follows-actor rate</th>"
                + "<th>static bias, chance-normalised</th><th>report</th></tr>\n");
        for (String model : models) {
            JsonNode x = m.get("models").get(model);
            h.append("<tr><td>").append(esc(model)).append("</td>");
            for (String split : List.of("iid", "bg-shift", "obj-shift")) {
                cell(h, x.path(split).path("acc1"), x.path(split).path("acc1_std"));
            }
            for (String k : List.of("static_bias", "bias_gap", "contrasted_accuracy", "follows_actor_rate",
                    "static_bias_normalised")) {
                cell(h, x.path(k), x.path(k + "_std"));
            }
            Path r = reportOf.apply(model);
            h.append("<td>").append(r == null ? "<span title=\"a stage-1 classifier without a head: no run folder\">—</span>"
                    : "<a href=\"" + esc(r.toString().replace('\\', '/')) + "\">report</a>").append("</td></tr>\n");
        }
        h.append("</table>\n<p>Higher is better for the accuracies, the contrasted accuracy and the follows-actor rate;"
                + " lower for the bias gap and the static biases (chance is ")
                .append(String.format(Locale.ROOT, "%.3f", chance))
                .append(", 0 once normalised). — is a value the run could not compute.</p>\n</section>\n");

        h.append("<section id=\"chart\">\n<h2>Accuracy under a background shift, and static bias</h2>\n<figure>\n")
                .append(chart(m, models, chance))
                .append("<figcaption>Acc@1 on iid and bg-shift, and the static bias, per model (mean over seeds); the"
                        + " dashed line is chance, 1/L.</figcaption>\n</figure>\n</section>\n");

        h.append("<section id=\"definitions\">\n<h2>The metrics</h2>\n<dl>\n")
                .append("<dt>bias gap</dt><dd>Acc@1(iid) − Acc@1(bg-shift) (BENCHMARK.md).</dd>\n")
                .append("<dt>static bias</dt><dd>the share of bg-only videos (a home background, no event) put in the"
                        + " background's home class; an unbiased model is at chance (SCUFO-style probe).</dd>\n")
                .append("<dt>contrasted accuracy</dt><dd>the share of bg-shift videos classified right whose static"
                        + " version (one frame repeated) is classified wrong (SCUBA/SCUFO, Li et al., StillMix, ICCV"
                        + " 2023).</dd>\n")
                .append("<dt>follows-actor rate</dt><dd>of the bg-shift predictions that are the event's class or the"
                        + " background's home class, the share that are the event's (HAT, Chung et al., NeurIPS 2022)."
                        + "</dd>\n")
                .append("<dt>static bias, chance-normalised</dt><dd>(static bias − 1/L) / (1 − 1/L): 0 at chance, 1"
                        + " when every background-only video goes to its background's home class.</dd>\n")
                .append("</dl>\n</section>\n</main>\n</body>\n</html>\n");
        return h.toString();
    }

    /** Grouped bars: one group per model, one bar per {@link #BARS} entry, the chance line dashed. */
    static String chart(JsonNode m, List<String> models, double chance) {
        int bars = BARS.length;
        int barW = 40;
        int groupW = bars * barW + 30;
        double left = 50;
        double top = 30;
        int h = 360;
        double bottom = h - 70;
        int w = (int) Math.max(420, left + 20 + models.size() * groupW) + 90; // the right margin holds the chance label
        Svg svg = new Svg(w, h);
        svg.text(w / 2.0, 18, "Acc@1 (iid, bg-shift) and static bias per model", "middle", "font-weight=\"bold\"");
        for (int i = 0; i <= 4; i++) {
            double v = i / 4.0;
            double y = bottom - v * (bottom - top);
            svg.line(left, y, w - 95, y, "#e4e4e4", null);
            svg.text(left - 6, y + 4, String.format(Locale.ROOT, "%.2f", v), "end", null);
        }
        svg.line(left, bottom, w - 95, bottom, "#333", null);
        for (int g = 0; g < models.size(); g++) {
            JsonNode x = m.get("models").get(models.get(g));
            double gx = left + 15 + g * groupW;
            for (int b = 0; b < bars; b++) {
                JsonNode node = BARS[b][0].equals("static_bias") ? x.path("static_bias") : x.path(BARS[b][0]).path("acc1");
                double v = node.isNumber() ? node.asDouble() : Double.NaN;
                if (Double.isFinite(v)) {
                    double bh = Math.max(0, Math.min(1, v)) * (bottom - top);
                    svg.rect(gx + b * barW, bottom - bh, barW - 3, bh, Svg.colour(b),
                            "data-model=\"" + Svg.esc(models.get(g)) + "\" data-metric=\"" + BARS[b][0] + "\"");
                    svg.text(gx + b * barW + (barW - 3) / 2.0, bottom - bh - 3, String.format(Locale.ROOT, "%.2f", v),
                            "middle", "font-size=\"9\"");
                }
            }
            svg.text(gx + bars * barW / 2.0, bottom + 16, models.get(g), "middle", null);
        }
        double cy = bottom - chance * (bottom - top);
        svg.line(left, cy, w - 95, cy, CHANCE_COLOUR, "stroke-width=\"3\" stroke-dasharray=\"8 5\"");
        svg.text(w - 90, cy + 4, String.format(Locale.ROOT, "chance %.3f", chance), "start",
                "fill=\"" + CHANCE_COLOUR + "\"");
        double lx = left;
        for (int b = 0; b < bars; b++) {
            svg.rect(lx, h - 22, 12, 12, Svg.colour(b), null);
            svg.text(lx + 16, h - 12, BARS[b][1], "start", null);
            lx += 40 + 7 * BARS[b][1].length();
        }
        return svg.build();
    }

    private static void cell(StringBuilder h, JsonNode mean, JsonNode std) {
        if (!mean.isNumber() || !Double.isFinite(mean.asDouble())) {
            h.append("<td class=\"num\">—</td>");
            return;
        }
        h.append("<td class=\"num\">").append(String.format(Locale.ROOT, "%.3f", mean.asDouble()));
        if (std.isNumber()) {
            h.append(String.format(Locale.ROOT, " ± %.3f", std.asDouble()));
        }
        h.append("</td>");
    }

    private static String fmtPct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f%%", 100 * v) : "most";
    }

    private static String esc(String s) {
        return Svg.esc(s);
    }
}
