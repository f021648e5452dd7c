package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.ecrl4j.data.FeatureSet;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Optional;
import org.ecrl4j.nn.backbone.PooledClassifier;
import org.ecrl4j.nn.backbone.TinyVideoNet;
import org.ecrl4j.explain.CaseSelection;
import org.ecrl4j.explain.ClipEvidence;
import org.ecrl4j.explain.Tsne;
import org.ecrl4j.explain.VideoEvidence;
import org.ecrl4j.saliency.ForegroundBackgroundSplit;
import org.ecrl4j.saliency.SaliencyMap;
import org.ecrl4j.saliency.SplitClip;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.video.RgbFrame;
import org.ecrl4j.explain.RunEvidence;
import org.ecrl4j.report.RunReport;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.RunFolder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/** Renders the report of tiny ECRL and base runs trained here on planted features and checks it. */
class ReportCommandTest {
    @TempDir static Path dir;
    static Path ecrl;
    static Path base;
    static Path test;
    static Path index;
    static String html;

    /** Runs the CLI with its output captured (TrainEvalCommandTest's helper). */
    static TrainEvalCommandTest.Run run(String... args) {
        return new TrainEvalCommandTest().run(args);
    }

    @BeforeAll
    static void trainAndReport() throws Exception {
        Path train = dir.resolve("train.npz");
        test = dir.resolve("test.npz");
        TrainEvalCommandTest.planted(60, 4, 8, 1).save(train);
        TrainEvalCommandTest.planted(45, 4, 8, 2).save(test);
        ecrl = dir.resolve("ecrl");
        base = dir.resolve("base");
        var a = run("train", "--features", train.toString(), "--val", test.toString(), "--config", "ecrl", "--out",
                ecrl.toString(), "--epochs", "4", "--lr", "3e-3", "--global-entries", "16", "--confounders", "8",
                "--seed", "4");
        assertEquals(0, a.code(), a.err());
        var b = run("train", "--features", train.toString(), "--val", test.toString(), "--config", "base", "--out",
                base.toString(), "--epochs", "1", "--lr", "1e-4", "--seed", "5");
        assertEquals(0, b.code(), b.err());
        var r = run("report", "--run", ecrl.toString(), "--features", test.toString(), "--compare", base.toString(),
                "--tsne-iterations", "300", "--perplexity", "10");
        assertEquals(0, r.code(), r.err());
        index = Path.of(r.out().trim());
        assertEquals(ecrl.resolve("report").resolve("index.html").toAbsolutePath(), index);
        html = Files.readString(index);
    }

    static List<String> images() {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void everySectionIsPresentAndEveryImageIsValid() throws Exception {
        for (String id : RunReport.SECTIONS) {
            assertTrue(html.contains("<section id=\"" + id + "\">"), "section " + id);
        }
        assertFalse(html.contains("<script") || html.contains("http:") || html.contains("https:")
                || html.contains("@import") || html.contains("url("), "the page must not fetch anything");
        List<String> images = images();
        for (String f : List.of("curve-loss.svg", "curve-acc1.svg", "confusion-train.svg", "confusion-val.svg",
                "confusion-test.svg", "tsne-before.svg", "tsne-fcc.svg", "tsne-ffd.svg")) {
            assertTrue(images.contains(f), f + " not referenced");
        }
        assertTrue(images.stream().filter(f -> f.startsWith("top3-")).count() >= 1, "no Fig. 7 video");
        assertTrue(images.stream().anyMatch(f -> f.startsWith("ccm-")) && images.stream().anyMatch(f -> f.startsWith("glca-")));
        var factory = DocumentBuilderFactory.newInstance();
        for (String f : images) {
            Path p = index.getParent().resolve(f);
            assertTrue(Files.isRegularFile(p), f + " missing");
            if (f.endsWith(".png")) {
                BufferedImage img = ImageIO.read(p.toFile());
                assertNotNull(img, f + " is not a PNG");
                assertTrue(img.getWidth() > 0 && img.getHeight() > 0);
            } else {
                Element root = factory.newDocumentBuilder().parse(p.toFile()).getDocumentElement();
                assertEquals("svg", root.getTagName(), f);
                assertTrue(Integer.parseInt(root.getAttribute("width")) > 0, f);
                assertTrue(root.getElementsByTagName("rect").getLength()
                        + root.getElementsByTagName("circle").getLength() > 1, f + " draws nothing");
            }
        }
        // The t-SNE panels show one point per test video (45 <= the default cap).
        String before = Files.readString(index.getParent().resolve("tsne-fcc.svg"));
        assertEquals(45 + 3, count(before, "<circle"), "45 points and 3 legend dots");
        // The loss curve has one point per epoch for train and for val.
        String loss = Files.readString(index.getParent().resolve("curve-loss.svg"));
        assertEquals(8, count(loss, "<circle"));
        assertTrue(html.contains("Frames, Grad-CAM and the saliency split are not shown"), "missing-frames note");
        // No temporary folder is left behind.
        try (var s = Files.list(ecrl)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".report")));
        }
    }

    @Test
    void metricsTableEqualsMetricsJson() throws Exception {
        JsonNode metrics = new ObjectMapper().readTree(ecrl.resolve("metrics.json").toFile());
        Matcher row = Pattern.compile("<tr data-split=\"([^\"]+)\">(.*?)</tr>").matcher(html);
        int rows = 0;
        int cells = 0;
        while (row.find()) {
            rows++;
            JsonNode split = metrics.get(row.group(1));
            assertNotNull(split, row.group(1));
            Matcher cell = Pattern.compile("data-key=\"([^\"]+)\" data-value=\"([^\"]+)\">([^<]+)</td>")
                    .matcher(row.group(2));
            while (cell.find()) {
                cells++;
                double expected = split.get(cell.group(1)).asDouble();
                assertEquals(expected, Double.parseDouble(cell.group(2)), 0, cell.group(0));
                String shown = split.get(cell.group(1)).isIntegralNumber() ? split.get(cell.group(1)).asText()
                        : String.format(Locale.ROOT, "%.4f", expected);
                assertEquals(shown, cell.group(3));
            }
        }
        assertEquals(2, rows, "train and val");
        assertEquals(8, cells);
        // The test confusion's caption reports the same Acc@1 as metrics.json's val (the same file).
        assertTrue(html.contains(String.format(Locale.ROOT, "Acc@1 %.4f over 45 videos", metrics.at("/val/acc1").asDouble())),
                "test features = val features here");
    }

    @Test
    void fig7CasesAgreeWithTheTwoRunsPredictions() throws Exception {
        FeatureSet set = FeatureSet.load(test);
        int[] ecrlPred = predictions(ecrl, set);
        int[] basePred = predictions(base, set);
        Matcher m = Pattern.compile("<h3>Video #(\\d+) — ([a-zA-Z ]+), true class").matcher(html);
        List<String> cases = new ArrayList<>();
        while (m.find()) {
            int i = Integer.parseInt(m.group(1));
            String expected = caseOf(ecrlPred, basePred, set.labels(), i);
            assertEquals(expected, m.group(2), "video " + i);
            assertTrue(html.contains("<img src=\"top3-" + i + ".svg\""), "Fig. 7 of video " + i);
            cases.add(expected);
        }
        assertEquals(cases.size(), cases.stream().distinct().count(), "one video per case");
        // Every case that occurs in the test set is shown.
        for (int i = 0; i < set.count(); i++) {
            String c = caseOf(ecrlPred, basePred, set.labels(), i);
            assertTrue(cases.contains(c), c + " occurs (video " + i + ") but is not shown");
        }
        assertTrue(cases.size() >= 2, "ECRL and an untrained base differ on some video: " + cases);
    }

    /** The Fig. 7 case of video i given both runs' predictions. */
    static String caseOf(int[] ecrlPred, int[] basePred, long[] labels, int i) {
        long y = labels[i];
        return (ecrlPred[i] == y) == (basePred[i] == y) ? (ecrlPred[i] == y ? "both right" : "both wrong")
                : ecrlPred[i] == y ? "only ECRL right" : "only base right";
    }

    static int[] predictions(Path runDir, FeatureSet set) throws Exception {
        RunFolder.RunConfig c = RunFolder.readConfig(runDir);
        try (HeadModel model = HeadModel.load(runDir, c.head(), c.shape())) {
            return CaseSelection.argmax(model.logits(set, 64), c.shape().classes());
        }
    }

    @Test
    void rewritingReplacesTheReport() throws Exception {
        Files.writeString(ecrl.resolve("report").resolve("stale.txt"), "old");
        var r = run("report", "--run", ecrl.toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(ecrl.resolve("report").resolve("stale.txt")));
        String page = Files.readString(ecrl.resolve("report").resolve("index.html"));
        assertTrue(page.contains("Pass --features TEST.npz"));
        html = Files.readString(index); // the others read the full report
        run("report", "--run", ecrl.toString(), "--features", test.toString(), "--compare", base.toString(),
                "--tsne-iterations", "300", "--perplexity", "10");
        html = Files.readString(index);
    }

    @Test
    void badInputGivesOneClearError() throws Exception {
        var missing = run("report", "--run", dir.resolve("nope").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nope") && missing.err().contains("ecrl4j train"), missing.err());
        var noFeatures = run("report", "--run", ecrl.toString(), "--compare", base.toString());
        assertEquals(1, noFeatures.code());
        assertTrue(noFeatures.err().contains("--features"), noFeatures.err());
        Path wide = dir.resolve("wide.npz");
        TrainEvalCommandTest.planted(6, 4, 12, 3).save(wide);
        var mismatch = run("report", "--run", ecrl.toString(), "--features", wide.toString());
        assertEquals(1, mismatch.code());
        assertTrue(mismatch.err().contains("d=12") && mismatch.err().contains("wide.npz"), mismatch.err());
        assertTrue(Files.isRegularFile(index), "a failed report leaves the previous one");
    }

    /** Frames, Grad-CAM and the saliency split come from a VideoEvidence (here synthetic clips). */
    @Test
    void videoEvidenceAddsFramesGradCamAndTheSplit() throws Exception {
        Path copy = dir.resolve("ecrl-video");
        Files.createDirectories(copy);
        for (String f : List.of("config.json", "metrics.json", "head.params", "dictionary.npz")) {
            Files.copy(ecrl.resolve(f), copy.resolve(f));
        }
        List<RgbFrame> frames = new ArrayList<>();
        List<SaliencyMap> maps = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            RgbFrame f = RgbFrame.black(32, 32);
            byte[] sal = new byte[32 * 32];
            for (int y = 10; y < 16; y++) {
                for (int x = 4 + 4 * t; x < 10 + 4 * t; x++) {
                    f.pixels()[(y * 32 + x) * 3] = (byte) 230;
                    sal[y * 32 + x] = (byte) 255;
                }
            }
            frames.add(f);
            maps.add(new SaliencyMap(32, 32, sal));
        }
        SplitClip split = new ForegroundBackgroundSplit(SplitOptions.PAPER).split(frames, maps);
        List<Integer> asked = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            TinyVideoNet net = TinyVideoNet.create(manager, List.of(4, 8), 1);
            PooledClassifier classifier = new PooledClassifier(net, 3);
            classifier.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 4, 32, 32));
            ClipEvidence.CamModel cam = ClipEvidence.pooled(classifier);
            VideoEvidence evidence = new ClipEvidence(i -> {
                asked.add(i);
                return i % 2 == 0 ? Optional.of(new ClipEvidence.NamedClip("video-" + i + ".mp4", split)) : Optional.empty();
            }, cam, cam, manager, "odd rows have no video");
            RunEvidence.write(new RunEvidence.Options(copy, test, base, evidence, 45,
                    new Tsne.Options(5, 50, 200, 0)), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            Path page = RunReport.write(copy);
            String text = Files.readString(page);
            assertFalse(asked.isEmpty());
            for (int i : asked) {
                boolean shown = i % 2 == 0;
                for (String f : List.of("frames-", "gradcam-base-", "gradcam-ecrl-", "split-saliency-", "split-foreground-",
                        "split-background-")) {
                    assertEquals(shown, text.contains("<img src=\"" + f + i + ".png\""), f + i);
                    if (shown) {
                        BufferedImage img = ImageIO.read(page.getParent().resolve(f + i + ".png").toFile());
                        assertNotNull(img, f + i);
                        assertEquals(4 * 96 + 3 * 2, img.getWidth(), "4 frames scaled x3 with 2-pixel gaps");
                        assertEquals(96, img.getHeight());
                    }
                }
            }
            // The frame strip shows the red square of frame 1 at its place (x 4-9, y 10-15, scaled x3).
            BufferedImage strip = ImageIO.read(page.getParent().resolve("frames-" + asked.stream()
                    .filter(i -> i % 2 == 0).findFirst().orElseThrow() + ".png").toFile());
            assertEquals(0xE60000, strip.getRGB(20, 40) & 0xFFFFFF);
            assertEquals(0, strip.getRGB(60, 80) & 0xFFFFFF);
            Path chromium = chromium();
            if (chromium != null) {
                // The PNG strips are drawn too: the red square of the frames (#E60000) is on the page.
                BufferedImage shot = screenshot(chromium, page, Path.of("target", "report-video-screenshot.png"));
                int red = pixels(shot, 0xE60000);
                assertTrue(red > 100, "frame pixels drawn " + red + " times");
            }
        }
    }

    /** Opens the report in headless Chromium and checks the screenshot shows the figures. */
    @Test
    void chromiumRendersEveryFigure() throws Exception {
        Path chromium = chromium();
        if (chromium == null) {
            System.out.println("ReportCommandTest: Chromium is not installed (apt-get install chromium); screenshot skipped");
            Assumptions.abort("Chromium is absent");
        }
        BufferedImage img = screenshot(chromium, index, Path.of("target", "report-screenshot.png"));
        // Palette colours of the curves and t-SNE points (train blue, val orange, class 2 green) appear,
        // so the SVG figures were loaded and drawn.
        int[] wanted = {0x0072B2, 0xE69F00, 0x009E73};
        for (int k = 0; k < wanted.length; k++) {
            int n = pixels(img, wanted[k]);
            assertTrue(n > 50, String.format("colour #%06X drawn %d times", wanted[k], n));
        }
    }

    /**
     * Debian's Chromium, or null where it is absent; under CI ({@code CI=true}) its absence fails the
     * test, because {@code .ci/run} installs it and the browser check must never be skipped there.
     */
    static Path chromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(c))) {
                return Path.of(c);
            }
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but Chromium is not installed: .ci/run installs it (apt-get install chromium)");
        }
        return null;
    }

    /** A full-page screenshot of {@code page} by headless Chromium, with the flags of issue 6. */
    static BufferedImage screenshot(Path chromium, Path page, Path shot) throws Exception {
        return screenshot(chromium, page, shot, dir);
    }

    /** {@link #screenshot(Path, Path, Path)} with the browser's profile and log in {@code scratch}. */
    static BufferedImage screenshot(Path chromium, Path page, Path shot, Path scratch) throws Exception {
        Path profile = Files.createTempDirectory(scratch, "chromium-profile");
        shot = shot.toAbsolutePath();
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        Path log = Files.createTempFile(scratch, "chromium", ".log");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--screenshot=" + shot, "--window-size=1280,5200",
                page.toUri().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish in 120 s; log: " + Files.readString(log));
        }
        assertTrue(Files.isRegularFile(shot), "no screenshot; log: " + Files.readString(log));
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(1280, img.getWidth());
        System.out.println("ReportCommandTest: screenshot " + shot);
        return img;
    }

    static int pixels(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += (img.getRGB(x, y) & 0xFFFFFF) == rgb ? 1 : 0;
            }
        }
        return n;
    }

    static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
            n++;
        }
        return n;
    }
}
