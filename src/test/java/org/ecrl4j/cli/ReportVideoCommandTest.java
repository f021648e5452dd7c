package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.synth.BenchmarkPlan;
import org.ecrl4j.synth.BenchmarkWriter;
import org.ecrl4j.synth.SynthConfig;
import org.ecrl4j.synth.VideoCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ecrl4j report --run DIR --data ANNOTATIONS --compare BASE_RUN} on an ECRL run and a base
 * run trained here from the videos of a tiny generated benchmark (2 classes, 16x16, 4 frames, one
 * stage-1 and one head epoch each): each run's test features come from its own encoders, and the
 * chosen videos get their frames, both Grad-CAM maps and the saliency split.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReportVideoCommandTest {
    @TempDir static Path dir;
    static Path annotations;
    static Path ecrl;
    static Path base;

    static VideoPipelineCommandsTest.Result cli(String... args) {
        return VideoPipelineCommandsTest.cli(args);
    }

    static String[] train(Path out, String config, String seed) {
        return new String[] {"train", "--data", annotations.toString(), "--out", out.toString(), "--config", config,
            "--stage1-epochs", "1", "--epochs", "1", "--lr", "3e-3", "--global-entries", "8", "--confounders", "4",
            "--seed", seed, "--size", "16", "--frames", "4", "--workers", "2"};
    }

    @BeforeAll
    static void trainBoth() throws Exception {
        Path bench = dir.resolve("bench");
        SynthConfig config = new SynthConfig(2, 2, 16, 16, 8, 0.9, 0.8, 11, VideoCodec.H264);
        BenchmarkWriter.Summary s = new BenchmarkWriter(new BenchmarkPlan(config), 2, null).write(bench, false);
        assertTrue(s.failures().isEmpty(), s.failures().toString());
        annotations = bench.resolve(BenchmarkWriter.ANNOTATIONS);
        ecrl = dir.resolve("ecrl");
        base = dir.resolve("base");
        var a = cli(train(ecrl, "ecrl", "3"));
        assertEquals(0, a.code(), a.err());
        var b = cli(train(base, "base", "4"));
        assertEquals(0, b.code(), b.err());
    }

    static List<String> images(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The row indices of the chosen videos (Fig. 6 headings). */
    static List<Integer> chosen(String html) {
        List<Integer> out = new ArrayList<>();
        Matcher m = Pattern.compile("<h3>Video #(\\d+) — ").matcher(html);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    @Test
    @Order(1)
    void reportShowsFramesGradCamOfBothRunsAndTheSplit() throws Exception {
        var r = cli("report", "--run", ecrl.toString(), "--data", annotations.toString(), "--compare", base.toString(),
                "--tsne-iterations", "250", "--perplexity", "2", "--workers", "2");
        assertEquals(0, r.code(), r.err());
        Path index = Path.of(r.out().trim());
        assertEquals(ecrl.resolve("report").resolve("index.html").toAbsolutePath(), index);
        String html = Files.readString(index);
        List<String> images = images(html);
        List<Integer> rows = chosen(html);
        assertFalse(rows.isEmpty(), "no chosen video");
        for (int i : rows) {
            for (String f : List.of("frames-", "gradcam-base-", "gradcam-ecrl-", "split-saliency-", "split-foreground-",
                    "split-background-")) {
                String file = f + i + ".png";
                assertTrue(images.contains(file), file + " is not referenced from index.html");
                BufferedImage img = ImageIO.read(index.resolveSibling(file).toFile());
                assertNotNull(img, file + " is not a valid PNG");
                assertEquals(4 * 96 + 3 * 2, img.getWidth(), file + ": 4 frames of 16 px scaled x6, 2-pixel gaps");
                assertEquals(96, img.getHeight(), file);
            }
        }
        assertFalse(html.contains("Frames, Grad-CAM and the saliency split are not shown"), html);
        // Each run read the iid videos through its own encoders: two caches with the same labels but other features.
        FeatureSet mine = FeatureSet.load(ecrl.resolve("report-features-iid.npz"));
        FeatureSet theirs = FeatureSet.load(base.resolve("report-features-iid.npz"));
        assertTrue(java.util.Arrays.equals(mine.labels(), theirs.labels()));
        assertFalse(java.util.Arrays.equals(mine.stream(FeatureSet.VIDEO), theirs.stream(FeatureSet.VIDEO)),
                "base's features come from its own encoder");
        long iid = Files.readAllLines(annotations).stream().filter(l -> l.contains(",iid,")).count();
        assertEquals(iid, mine.count(), "every iid video of the annotations is a row");
        // Fig. 7's cases are those of each run's head on its own features.
        int[] ecrlPred = ReportCommandTest.predictions(ecrl, mine);
        int[] basePred = ReportCommandTest.predictions(base, theirs);
        Matcher m = Pattern.compile("<h3>Video #(\\d+) — ([a-zA-Z ]+), true class").matcher(html);
        int checked = 0;
        while (m.find()) {
            int i = Integer.parseInt(m.group(1));
            assertEquals(ReportCommandTest.caseOf(ecrlPred, basePred, mine.labels(), i), m.group(2), "video " + i);
            checked++;
        }
        assertEquals(rows.size(), checked);
        assertTrue(html.contains("compared run&#39;s test features") || html.contains("compared run's test features"),
                "the compared run's own features are listed");
    }

    @Test
    @Order(2)
    void cachedFeaturesAreReusedAndAMissingVideoLosesOnlyItsPanel() throws Exception {
        Path videos = annotations.getParent().resolve("videos").resolve("iid");
        Path away = dir.resolve("iid-away");
        Files.move(videos, away);
        try {
            var r = cli("report", "--run", ecrl.toString(), "--data", annotations.toString(), "--compare",
                    base.toString(), "--tsne-iterations", "250", "--perplexity", "2", "--workers", "2");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("reusing") && r.err().contains("report-features-iid.npz"), r.err());
            String html = Files.readString(Path.of(r.out().trim()));
            List<Integer> rows = chosen(html);
            assertFalse(rows.isEmpty());
            for (int i : rows) {
                assertTrue(html.contains("Frames of video #" + i + " are not shown"), "video " + i + " says why");
                assertFalse(html.contains("<img src=\"frames-" + i + ".png\""));
                assertTrue(html.contains("<img src=\"top3-" + i + ".svg\""), "the rest of the report is written");
            }
            assertTrue(html.contains("cannot be read"), html);
        } finally {
            Files.move(away, videos);
        }
    }

    @Test
    @Order(3)
    void badInputGivesOneClearError() throws Exception {
        var split = cli("report", "--run", ecrl.toString(), "--data", annotations.toString(), "--split", "nope");
        assertEquals(1, split.code());
        assertTrue(split.err().contains("no split 'nope'") && split.err().contains("iid"), split.err());
        var both = cli("report", "--run", ecrl.toString(), "--data", annotations.toString(), "--features",
                ecrl.resolve("report-features-iid.npz").toString());
        assertEquals(1, both.code());
        assertTrue(both.err().contains("drop --features"), both.err());
        // A run trained on features: --data gives a report that says why frames are missing, and it
        // cannot be the compared run of a video report.
        Path featuresRun = dir.resolve("features-run");
        Path cache = ecrl.resolve("cache").resolve("train.npz");
        assertEquals(0, cli("train", "--features", cache.toString(), "--out", featuresRun.toString(), "--config", "base",
                "--epochs", "1").code());
        var f = cli("report", "--run", featuresRun.toString(), "--data", annotations.toString());
        assertEquals(1, f.code());
        assertTrue(f.err().contains("pipeline.json") && f.err().contains("--features"), f.err());
        var g = cli("report", "--run", featuresRun.toString(), "--data", annotations.toString(), "--features",
                ecrl.resolve("report-features-iid.npz").toString(), "--tsne-iterations", "250", "--perplexity", "2");
        assertEquals(0, g.code(), g.err());
        String page = Files.readString(featuresRun.resolve("report").resolve("index.html"));
        assertTrue(page.contains("trained on cached features") && page.contains("pipeline.json"), page);
        var c = cli("report", "--run", ecrl.toString(), "--data", annotations.toString(), "--compare",
                featuresRun.toString());
        assertEquals(1, c.code());
        assertTrue(c.err().contains("--compare") && c.err().contains("pipeline.json"), c.err());
    }
}
