package org.ecrl4j.report;

import java.util.List;
import java.util.Locale;

/**
 * Self-contained SVG charts for the report: line charts, scatter plots, heat maps and horizontal
 * bars. Text uses the browser's generic sans-serif family, so nothing is fetched.
 */
final class Svg {
    /** A categorical palette (colour-blind safe, Okabe-Ito then Tableau). */
    static final String[] PALETTE = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
        "#000000", "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF"};

    private final StringBuilder sb = new StringBuilder();
    private final int width;
    private final int height;

    Svg(int width, int height) {
        this.width = width;
        this.height = height;
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                width, height, width, height));
    }

    static String colour(int i) {
        if (i < PALETTE.length) {
            return PALETTE[i];
        }
        return String.format(Locale.ROOT, "hsl(%d,60%%,45%%)", (i * 137) % 360);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    Svg text(double x, double y, String s, String anchor, String extra) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>\n", x, y,
                anchor, extra == null ? "" : extra, esc(s)));
        return this;
    }

    Svg rect(double x, double y, double w, double h, String fill, String extra) {
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" %s/>\n",
                x, y, Math.max(0, w), Math.max(0, h), fill, extra == null ? "" : extra));
        return this;
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke, String extra) {
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" %s/>\n",
                x1, y1, x2, y2, stroke, extra == null ? "" : extra));
        return this;
    }

    Svg raw(String s) {
        sb.append(s).append('\n');
        return this;
    }

    String build() {
        return sb + "</svg>\n";
    }

    /** A named series of (x, y) points; NaN values are skipped. */
    record Series(String name, double[] x, double[] y, String colour, boolean dashed) {}

    /** A line chart with axes, ticks and a legend. */
    static String lineChart(String title, String xLabel, String yLabel, List<Series> series) {
        int w = 460;
        int h = 300;
        double left = 56;
        double right = w - 16;
        double top = 30;
        double bottom = h - 62;
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    xmin = Math.min(xmin, s.x()[i]);
                    xmax = Math.max(xmax, s.x()[i]);
                    ymin = Math.min(ymin, s.y()[i]);
                    ymax = Math.max(ymax, s.y()[i]);
                }
            }
        }
        if (!Double.isFinite(xmin)) {
            xmin = 0;
            xmax = 1;
            ymin = 0;
            ymax = 1;
        }
        if (xmax == xmin) {
            xmax = xmin + 1;
        }
        if (ymax == ymin) {
            ymax = ymin + 1;
        }
        double pad = 0.05 * (ymax - ymin);
        ymin -= pad;
        ymax += pad;
        final double x0 = xmin;
        final double xr = xmax - xmin;
        final double y0 = ymin;
        final double yr = ymax - ymin;
        java.util.function.DoubleUnaryOperator px = v -> left + (v - x0) / xr * (right - left);
        java.util.function.DoubleUnaryOperator py = v -> bottom - (v - y0) / yr * (bottom - top);
        Svg svg = new Svg(w, h);
        svg.text(w / 2.0, 18, title, "middle", "font-weight=\"bold\"");
        svg.line(left, bottom, right, bottom, "#333", null).line(left, top, left, bottom, "#333", null);
        for (int k = 0; k <= 4; k++) {
            double v = y0 + yr * k / 4;
            double y = py.applyAsDouble(v);
            svg.line(left, y, right, y, "#ddd", null);
            svg.text(left - 4, y + 4, fmt(v), "end", null);
        }
        int ticks = (int) Math.min(10, Math.round(xr));
        for (int k = 0; k <= Math.max(1, ticks); k++) {
            double v = x0 + xr * k / Math.max(1, ticks);
            svg.text(px.applyAsDouble(v), bottom + 14, fmt(v), "middle", null);
        }
        svg.text((left + right) / 2, bottom + 30, xLabel, "middle", null);
        svg.text(14, (top + bottom) / 2, yLabel, "middle",
                String.format(Locale.ROOT, "transform=\"rotate(-90 14 %.1f)\"", (top + bottom) / 2));
        double lx = left;
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.applyAsDouble(s.x()[i]),
                            py.applyAsDouble(s.y()[i])));
                    svg.raw(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>",
                            px.applyAsDouble(s.x()[i]), py.applyAsDouble(s.y()[i]), s.colour()));
                }
            }
            svg.raw(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>",
                    pts.toString().trim(), s.colour(), s.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            svg.line(lx, h - 12, lx + 22, h - 12, s.colour(), "stroke-width=\"2\"" + (s.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            svg.text(lx + 26, h - 8, s.name(), "start", null);
            lx += 40 + 7 * s.name().length();
        }
        return svg.build();
    }

    /** A scatter plot of 2-D points coloured by class, with a legend of class names. */
    static String scatter(String title, double[][] points, int[] classes, List<String> classNames) {
        int w = 380;
        int legendRows = (classNames.size() + 2) / 3;
        int h = 360 + 16 * legendRows;
        double left = 10;
        double right = w - 10;
        double top = 28;
        double bottom = 350;
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (double[] p : points) {
            xmin = Math.min(xmin, p[0]);
            xmax = Math.max(xmax, p[0]);
            ymin = Math.min(ymin, p[1]);
            ymax = Math.max(ymax, p[1]);
        }
        double xr = Math.max(1e-9, xmax - xmin);
        double yr = Math.max(1e-9, ymax - ymin);
        Svg svg = new Svg(w, h);
        svg.text(w / 2.0, 18, title, "middle", "font-weight=\"bold\"");
        svg.rect(left, top, right - left, bottom - top, "none", "stroke=\"#999\"");
        for (int i = 0; i < points.length; i++) {
            double x = left + 8 + (points[i][0] - xmin) / xr * (right - left - 16);
            double y = bottom - 8 - (points[i][1] - ymin) / yr * (bottom - top - 16);
            svg.raw(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" fill-opacity=\"0.8\"/>",
                    x, y, colour(classes[i])));
        }
        for (int c = 0; c < classNames.size(); c++) {
            double x = left + (c % 3) * (w - 20) / 3.0;
            double y = bottom + 18 + 16 * (c / 3);
            svg.raw(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>", x + 6, y - 4,
                    colour(c)));
            svg.text(x + 14, y, classNames.get(c), "start", null);
        }
        return svg.build();
    }

    /** A heat map of a confusion matrix (rows: true class, columns: predicted), counts printed in cells. */
    static String confusion(String title, int[][] m, List<String> names) {
        int l = m.length;
        int cell = Math.max(18, Math.min(48, 480 / Math.max(1, l)));
        int label = 10 + 7 * names.stream().mapToInt(String::length).max().orElse(1);
        label = Math.min(label, 160);
        int w = label + cell * l + 20;
        int h = 40 + label + cell * l + 30;
        double top = 34 + label;
        Svg svg = new Svg(w, h);
        svg.text(w / 2.0, 18, title, "middle", "font-weight=\"bold\"");
        int max = 1;
        for (int[] row : m) {
            for (int v : row) {
                max = Math.max(max, v);
            }
        }
        for (int r = 0; r < l; r++) {
            double y = top + r * cell;
            svg.text(label - 4, y + cell / 2.0 + 4, names.get(r), "end", null);
            for (int c = 0; c < l; c++) {
                double x = label + c * cell;
                double t = (double) m[r][c] / max;
                int shade = (int) Math.round(255 * (1 - t));
                String fill = String.format(Locale.ROOT, "rgb(%d,%d,255)", shade, shade);
                svg.rect(x, y, cell, cell, fill, "stroke=\"#ccc\"");
                if (cell >= 22) {
                    svg.text(x + cell / 2.0, y + cell / 2.0 + 4, Integer.toString(m[r][c]), "middle",
                            t > 0.5 ? "fill=\"white\"" : null);
                }
            }
        }
        for (int c = 0; c < l; c++) {
            double x = label + c * cell + cell / 2.0 + 4;
            svg.text(x, top - 4, names.get(c), "start",
                    String.format(Locale.ROOT, "transform=\"rotate(-90 %.1f %.1f)\"", x, top - 4));
        }
        svg.text(label + cell * l / 2.0, h - 8, "predicted class (rows: true class)", "middle", null);
        return svg.build();
    }

    /** Vertical bars, one per value, with an index label under each (e.g. frame weights). */
    static String bars(String title, List<String> seriesNames, List<double[]> values, String xLabel) {
        int n = values.stream().mapToInt(v -> v.length).max().orElse(0);
        int groups = values.size();
        int barW = Math.max(4, Math.min(18, 220 / Math.max(1, n * groups)));
        double left = 40;
        int legend = (int) left + seriesNames.stream().mapToInt(name -> 30 + 7 * name.length()).sum();
        int w = (int) Math.max(Math.max(260, legend), left + 10 + n * (groups * barW + 6));
        int h = 190;
        double top = 28;
        double bottom = h - 52;
        double max = 1e-12;
        for (double[] v : values) {
            for (double x : v) {
                max = Math.max(max, x);
            }
        }
        Svg svg = new Svg(w, h);
        svg.text(w / 2.0, 18, title, "middle", "font-weight=\"bold\"");
        svg.line(left, bottom, w - 10, bottom, "#333", null);
        svg.text(left - 4, top + 4, fmt(max), "end", null).text(left - 4, bottom, "0", "end", null);
        for (int i = 0; i < n; i++) {
            double gx = left + 6 + i * (groups * barW + 6);
            for (int g = 0; g < groups; g++) {
                double[] v = values.get(g);
                if (i < v.length) {
                    double bh = v[i] / max * (bottom - top);
                    svg.rect(gx + g * barW, bottom - bh, barW - 1, bh, colour(g), null);
                }
            }
            svg.text(gx + groups * barW / 2.0, bottom + 13, Integer.toString(i + 1), "middle", null);
        }
        svg.text((left + w) / 2.0, bottom + 27, xLabel, "middle", null);
        double lx = left;
        for (int g = 0; g < groups; g++) {
            svg.rect(lx, h - 18, 10, 10, colour(g), null);
            svg.text(lx + 14, h - 9, seriesNames.get(g), "start", null);
            lx += 30 + 7 * seriesNames.get(g).length();
        }
        return svg.build();
    }

    /**
     * Top-k class probabilities of one or two models as horizontal bars; the true class is drawn in
     * bold with a check mark.
     */
    static String topK(String title, List<String> models, List<int[]> classes, List<double[]> probs,
            List<String> names, int truth) {
        int rows = classes.get(0).length;
        int w = 200 * models.size() + 20;
        int h = 50 + rows * 24;
        Svg svg = new Svg(w, h);
        svg.text(w / 2.0, 16, title, "middle", "font-weight=\"bold\"");
        for (int m = 0; m < models.size(); m++) {
            double x0 = 10 + m * 200;
            svg.text(x0 + 95, 34, models.get(m), "middle", "font-style=\"italic\"");
            for (int r = 0; r < rows; r++) {
                int c = classes.get(m)[r];
                double p = probs.get(m)[r];
                double y = 42 + r * 24;
                boolean isTruth = c == truth;
                svg.rect(x0, y, 180, 18, "#eee", null);
                svg.rect(x0, y, 180 * p, 18, isTruth ? "#009E73" : "#999", null);
                svg.text(x0 + 4, y + 13, (isTruth ? "\u2713 " : "") + names.get(c) + String.format(Locale.ROOT,
                        "  %.1f%%", 100 * p), "start", isTruth ? "font-weight=\"bold\"" : null);
            }
        }
        return svg.build();
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (v == Math.rint(v) && a < 1e6) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        if (a != 0 && (a < 0.01 || a >= 10000)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }
}
