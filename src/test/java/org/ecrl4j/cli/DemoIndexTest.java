package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ecrl4j.report.DemoIndex;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's front page (DIR/index.html) from a demo's metrics.json: the table of models with the
 * field's metrics, the grouped bar chart with chance, the links to the reports; drawn by headless
 * Chromium as the report is (ReportCommandTest).
 */
class DemoIndexTest {
    @TempDir Path dir;

    /** A demo's metrics.json with four models; ceiling has no run folder. */
    private Path demo() throws IOException {
        Map<String, Object> models = new LinkedHashMap<>();
        double[][] v = {{0.998, 0.985, 0.244}, {0.893, 0.0, 0.986}, {0.92, 0.17, 0.772}, {1.0, 1.0, 0.164}};
        String[] names = {"ceiling", "base", "ecrl", "ecrl-plus"};
        for (int i = 0; i < names.length; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("iid", Map.of("acc1", v[i][0], "acc1_std", 0.01));
            m.put("bg-shift", Map.of("acc1", v[i][1], "acc1_std", 0.02));
            m.put("obj-shift", Map.of("acc1", 0.9, "acc1_std", 0.0));
            m.put("static_bias", v[i][2]);
            m.put("static_bias_std", 0.03);
            m.put("bias_gap", v[i][0] - v[i][1]);
            m.put("contrasted_accuracy", 0.1 * (i + 1));
            m.put("follows_actor_rate", i == 1 ? null : 0.2 * (i + 1));
            m.put("static_bias_normalised", (v[i][2] - 1 / 6.0) / (5 / 6.0));
            models.put(names[i], m);
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("benchmark", Map.of("classes", List.of("a", "b", "c", "d", "e", "f"), "bg_bias", 0.9,
                "saliency", "motion"));
        metrics.put("seeds", List.of(1, 2, 3));
        metrics.put("chance", 1 / 6.0);
        metrics.put("models", models);
        Files.writeString(dir.resolve("metrics.json"), new ObjectMapper().writeValueAsString(metrics));
        for (String m : List.of("base", "ecrl", "ecrl-plus")) {
            Path report = dir.resolve("runs").resolve(m).resolve("report");
            Files.createDirectories(report);
            Files.writeString(report.resolve("index.html"), "<html><body>report of " + m + "</body></html>");
        }
        return DemoIndex.write(dir, m -> Path.of("runs", m, "report", "index.html"));
    }

    @Test
    void thePageHoldsTheModelsTheirMetricsTheChartAndTheLinks() throws Exception {
        Path page = demo();
        assertEquals(dir.resolve("index.html"), page);
        String html = Files.readString(page);
        for (String m : List.of("ceiling", "base", "ecrl", "ecrl-plus")) {
            assertTrue(html.contains("<tr><td>" + m + "</td>"), m + " has a row");
        }
        for (String h : List.of("contrasted accuracy", "follows-actor rate", "static bias, chance-normalised",
                "bias gap", "static bias")) {
            assertTrue(html.contains("<th>" + h + "</th>"), h + " is a column");
        }
        // Values with their std; a value the run could not compute is a dash, not NaN.
        assertTrue(html.contains("0.985 ± 0.020"), "bg-shift of ceiling");
        assertTrue(html.contains("0.400</td>"), "contrasted accuracy of ecrl-plus (no std)");
        assertTrue(!html.contains("NaN"), "no NaN on the page");
        // Links to the reports that exist, none for ceiling.
        for (String m : List.of("base", "ecrl", "ecrl-plus")) {
            assertTrue(html.contains("<a href=\"runs/" + m + "/report/index.html\">report</a>"), m + " links its report");
        }
        assertEquals(3, ReportCommandTest.count(html, ">report</a>"), "ceiling has no report");
        // The chart: 4 models x 3 bars, and the chance line at 1/6.
        assertEquals(12, ReportCommandTest.count(html, "data-metric="));
        assertTrue(html.contains("chance 0.167") && html.contains("stroke-dasharray"), "chance is marked");
    }

    @Test
    void chromiumDrawsTheChartAndTheChanceLine() throws Exception {
        Path page = demo();
        Path chromium = ReportCommandTest.chromium();
        if (chromium == null) {
            Assumptions.abort("Chromium is absent (apt-get install chromium)");
        }
        BufferedImage img = ReportCommandTest.screenshot(chromium, page, Path.of("target", "demo-index-screenshot.png"), dir);
        // The three bar colours (iid blue, bg-shift orange, static bias green) and the chance line's red.
        int[] wanted = {0x0072B2, 0xE69F00, 0x009E73, 0xD55E00};
        for (int c : wanted) {
            int n = ReportCommandTest.pixels(img, c);
            assertTrue(n > 40, String.format("colour #%06X drawn %d times", c, n));
        }
    }

    @Test
    void aFolderWithoutTheDemosMetricsIsOneClearError() throws Exception {
        Files.writeString(dir.resolve("metrics.json"), "{\"acc1\": 0.5}");
        IOException e = assertThrows(IOException.class, () -> DemoIndex.write(dir, m -> null));
        assertTrue(e.getMessage().contains("metrics.json") && e.getMessage().contains("run ecrl4j demo again"),
                e.getMessage());
    }
}
