package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ecrl4j.recipe.Recipe;
import org.ecrl4j.recipe.Stage1;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.pipeline.Ablation;
import org.ecrl4j.synth.BenchmarkPlan;
import org.ecrl4j.synth.BenchmarkWriter;
import org.ecrl4j.synth.SynthConfig;
import org.ecrl4j.synth.VideoCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AblateCommandTest {
    @TempDir Path tmp;

    @Test
    void table4OnATinyBenchmarkWritesFourRowsWithEverySplit() throws Exception {
        Path bench = tmp.resolve("bench");
        SynthConfig tiny = new SynthConfig(2, 4, 24, 16, 8, 0.9, 0.8, 3, VideoCodec.H264);
        new BenchmarkWriter(new BenchmarkPlan(tiny), 2, new PrintStream(PrintStream.nullOutputStream()))
                .write(bench, true);
        Path out = tmp.resolve("out");
        StringWriter o = new StringWriter(), e = new StringWriter();
        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        PrintStream err = System.err;
        int rc;
        try {
            System.setErr(new PrintStream(progress, true, java.nio.charset.StandardCharsets.UTF_8));
            rc = EcrlCommandTest.run(o, e, "ablate", "--data", bench.toString(), "--table", "4", "--seeds", "2",
                    "--out", out.toString(), "--stage1-epochs", "1", "--head-epochs", "1", "--widths", "4,8");
        } finally {
            System.setErr(err);
        }
        String log = progress.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, rc, e + log);
        // Separate encoders (the paper's): per seed, one plain stage 1 plus M_s and M_c, shared by the rows.
        for (String kind : List.of("plain", "foreground", "background")) {
            assertEquals(2, log.lines().filter(l -> l.startsWith("stage 1 (" + kind + ")")).count(), log);
        }

        List<String> splits = List.of("iid", "bg-shift", "obj-shift", "bg-only");
        List<org.apache.commons.csv.CSVRecord> csv;
        try (var parser = org.apache.commons.csv.CSVParser.parse(out.resolve("table-4.csv"),
                java.nio.charset.StandardCharsets.UTF_8, org.apache.commons.csv.CSVFormat.DEFAULT)) {
            csv = parser.getRecords();
        }
        assertEquals(Ablation.csvColumns(splits, true), csv.get(0).toList());
        assertEquals(1 + 4 * 4 + 2 + 1, csv.get(0).size());
        assertEquals(5, csv.size(), "header + 4 rows");
        assertEquals(List.of("dot attention", "additive attention", "without mu", "without prior"),
                csv.subList(1, 5).stream().map(r -> r.get(0)).toList());
        // Each row names its full configuration: the paper's Table 4 varies the back-door model
        // +FCM+BCM+TSC+BD (no front-door), and no two rows are the same configuration.
        List<String> configs = csv.subList(1, 5).stream().map(r -> r.get(r.size() - 1)).toList();
        assertEquals(4, new java.util.HashSet<>(configs).size(), configs.toString());
        for (String c : configs) {
            assertTrue(c.startsWith("head fcm-bcm-tsc-bd: video-logit, branch joint, cross-frame ccm-tsc, back-door (")
                    && !c.contains("front-door"), c);
        }
        assertTrue(configs.get(1).contains("additive attention") && configs.get(2).contains("without mu")
                && configs.get(3).contains("without prior"), configs.toString());
        for (var rec : csv.subList(1, 5)) {
            List<String> v = rec.toList();
            for (int i = 1; i < v.size() - 3; i++) {
                double x = Double.parseDouble(v.get(i));
                assertTrue(x >= 0 && x <= 1, v.toString());
            }
            // bias gap = iid - bg-shift (Acc@1 means), in [-1, 1]
            double gap = Double.parseDouble(v.get(v.size() - 3));
            assertEquals(Double.parseDouble(v.get(1)) - Double.parseDouble(v.get(5)), gap, 1e-5, v.toString());
            // Acc@5 with 2 classes is 1.
            assertEquals(1.0, Double.parseDouble(v.get(3)), 1e-9, v.toString());
        }
        String md = Files.readString(out.resolve("table-4.md"));
        assertTrue(md.contains("| without prior |") && md.contains("bg-only Acc@5") && md.contains("bias gap"), md);
        assertEquals(4, md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| row")).count(), md);
        try (var files = Files.list(out)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    @Test
    void unknownTableIsBadUsage() {
        StringWriter o = new StringWriter(), e = new StringWriter();
        assertEquals(2, EcrlCommandTest.run(o, e, "ablate", "--data", tmp.toString(), "--table", "6"));
        assertTrue(e.toString().contains("--table"), e.toString());
    }

    @Test
    void everyTableHasItsRows() {
        assertEquals(8, Recipes.table("3").size());
        assertEquals(4, Recipes.table("5").size());
        assertEquals(List.of("base", "base-swap", "fg-only", "ecrl", "ecrl-plus"),
                Recipes.table("plus").stream().map(Recipe::name).toList());
        assertEquals(Stage1.SWAP_ALWAYS, Recipes.table("plus").get(1).stage1());
        assertTrue(Recipes.table("plus").get(4).swappedCopies());
    }
}
