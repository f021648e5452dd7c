package org.ecrl4j.explain;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.RunFolder;
import org.ecrl4j.util.AtomicFiles;

/**
 * The explain step of evaluation: runs a trained head (and a compared one) on test features and
 * writes into {@code RUN/evidence/} everything the report shows beyond config.json and metrics.json
 * ({@link Evidence}): the test logits and confusion, Fig. 5's t-SNE coordinates, Fig. 7's chosen
 * videos and their top-3 classes, Fig. 6's frame weights and attention, and the PNG strips of the
 * chosen videos (frames, Grad-CAM of base and ECRL, saliency split) from a {@link VideoEvidence}.
 *
 * <p>The folder is built next to the run and moved into place at the end, so a failed step leaves
 * the previous evidence intact.
 */
public final class RunEvidence {
    /**
     * What to explain.
     *
     * @param run the run folder (ECRL, or any configuration)
     * @param features test features, or null (then only an empty {@link Evidence#none()} is written)
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
            if (limits == null) {
                throw new IllegalArgumentException("Evidence needs feature-file limits (FeatureSet.Limits.defaults())");
            }
            if (compareFeatures != null && (compare == null || features == null)) {
                throw new IllegalArgumentException("compareFeatures needs a compared run and the run's own features");
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
    private Path tmp;

    private RunEvidence(Options options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /**
     * Writes {@code RUN/evidence/} and returns that folder.
     *
     * @throws IOException naming the file when the run folder, the features or the compared run is unusable
     */
    public static Path write(Options options, PrintStream log) throws IOException {
        return new RunEvidence(options, log).write();
    }

    private Path write() throws IOException {
        Path run = options.run();
        RunFolder.RunConfig config = RunFolder.readConfig(run);
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
        Path target = run.resolve(Evidence.FOLDER);
        tmp = Files.createTempDirectory(run, "." + Evidence.FOLDER + "-");
        try {
            Evidence evidence = test == null ? Evidence.none() : explain(config, baseConfig, test, baseTest);
            AtomicFiles.writeString(tmp.resolve(Evidence.FILE),
                    RunFolder.json().writerWithDefaultPrettyPrinter().writeValueAsString(evidence));
            AtomicFiles.replaceFolder(tmp, target);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
        return target;
    }

    private Evidence explain(RunFolder.RunConfig config, RunFolder.RunConfig baseConfig, FeatureSet test,
            FeatureSet baseTest) throws IOException {
        Outputs out = outputs(config, baseConfig, test, baseTest);
        Evaluation e = Evaluation.of(out.ecrl().get("logits"), test.labels(), out.classes());
        Evidence.Confusion confusion = new Evidence.Confusion(e.confusion(), e.acc1(), e.count());
        Evidence.TsneFigure tsne = tsne(out, test, config, baseConfig);
        List<Evidence.Chosen> cases = cases(out, test, config, baseConfig);
        return new Evidence(Evidence.FORMAT, options.features().toAbsolutePath().toString(),
                options.features().getFileName().toString(),
                options.compare() == null ? null : options.compare().toAbsolutePath().toString(),
                baseConfig == null ? null : baseConfig.head().name(),
                options.compareFeatures() == null ? null : options.compareFeatures().toAbsolutePath().toString(),
                new Evidence.Logits(out.classes(), out.ecrl().get("logits"),
                        out.base() == null ? null : out.base().get("logits")),
                confusion, tsne, cases, options.evidence().camNote(), options.evidence().unavailableReason());
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

    /** Fig. 5: the t-SNE of pooled F_v (of the compared run when there is one), F_cc and F_fd. */
    private Evidence.TsneFigure tsne(Outputs out, FeatureSet test, RunFolder.RunConfig config,
            RunFolder.RunConfig baseConfig) {
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
        List<Evidence.TsnePanel> panels = new ArrayList<>();
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
            panels.add(new Evidence.TsnePanel((String) t[0], (String) t[1], (String) t[3], y));
        }
        return new Evidence.TsneFigure(test.count(), options.tsne().perplexity(), options.tsne().iterations(),
                options.tsne().seed(), labels, panels);
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

    /** Fig. 7 and 6: the chosen videos, their top-3 classes, frame weights and panels. */
    private List<Evidence.Chosen> cases(Outputs out, FeatureSet test, RunFolder.RunConfig config,
            RunFolder.RunConfig baseConfig) throws IOException {
        int l = out.classes();
        int t = test.frames();
        int[] ecrlPred = CaseSelection.argmax(out.ecrl().get("logits"), l);
        int[] basePred = out.base() == null ? null : CaseSelection.argmax(out.base().get("logits"), l);
        Map<CaseSelection.Case, Integer> chosen = CaseSelection.pick(ecrlPred, basePred, test.labels());
        List<Evidence.Chosen> cases = new ArrayList<>();
        for (Map.Entry<CaseSelection.Case, Integer> e : chosen.entrySet()) {
            int i = e.getValue();
            List<String> models = new ArrayList<>();
            List<int[]> top = new ArrayList<>();
            List<double[]> probs = new ArrayList<>();
            if (out.base() != null) {
                add(models, top, probs, "base: " + baseConfig.head().name(), out.base().get("logits"), i, l);
            }
            add(models, top, probs, "ECRL: " + config.head().name(), out.ecrl().get("logits"), i, l);
            List<String> names = new ArrayList<>();
            List<double[]> ccm = new ArrayList<>();
            for (String[] k : new String[][] {{"w_s", "w_s (foreground)"}, {"w_c", "w_c (background)"}}) {
                if (out.ecrl().containsKey(k[0])) {
                    names.add(k[1]);
                    ccm.add(row(out.ecrl().get(k[0]), i, t));
                }
            }
            double[] glca = out.ecrl().containsKey("a_local") ? row(out.ecrl().get("a_local"), i, t) : null;
            Optional<VideoPanel> p;
            String error = null;
            try {
                p = options.evidence().panel(i);
            } catch (IOException | RuntimeException ex) {
                // One unreadable video loses its own panel, not the report.
                log.println("report: no frames for video #" + i + ": " + ex.getMessage());
                error = String.valueOf(ex.getMessage());
                p = Optional.empty();
            }
            Evidence.Panel panel = p.isPresent() ? writePanel(i, p.get()) : null;
            cases.add(new Evidence.Chosen(e.getKey().label(), i, (int) test.labels()[i], models,
                    top.toArray(new int[0][]), probs.toArray(new double[0][]), names, ccm.toArray(new double[0][]),
                    glca, panel, error));
        }
        return cases;
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

    /** Writes the PNG strips of one video: frames, the Grad-CAM maps and the saliency split. */
    private Evidence.Panel writePanel(int i, VideoPanel p) throws IOException {
        int scale = Math.max(1, 96 / Math.max(1, p.frames().get(0).width()));
        List<BufferedImage> tiles = new ArrayList<>();
        p.frames().forEach(f -> tiles.add(Images.frame(f, scale)));
        String frames = "frames-" + i + ".png";
        Images.writePng(tmp.resolve(frames), Images.strip(tiles));
        String[] cams = new String[2];
        Object[][] both = {{"base", p.baseCam()}, {"ecrl", p.ecrlCam()}};
        for (int c = 0; c < both.length; c++) {
            float[][][] maps = (float[][][]) both[c][1];
            if (maps == null) {
                continue;
            }
            List<BufferedImage> over = new ArrayList<>();
            for (int f = 0; f < maps.length; f++) {
                over.add(Images.overlay(p.frames().get(f), maps[f], scale));
            }
            cams[c] = "gradcam-" + both[c][0] + "-" + i + ".png";
            Images.writePng(tmp.resolve(cams[c]), Images.strip(over));
        }
        List<String> split = new ArrayList<>();
        if (p.split() != null) {
            var s = p.split();
            for (String r : List.of("saliency", "foreground", "background")) {
                List<BufferedImage> strip = new ArrayList<>();
                for (int f = 0; f < s.whole().size(); f++) {
                    strip.add(switch (r) {
                        case "saliency" -> Images.saliency(s.saliency().get(f), scale);
                        case "foreground" -> Images.frame(s.foreground().get(f), scale);
                        default -> Images.frame(s.background().get(f), scale);
                    });
                }
                String file = "split-" + r + "-" + i + ".png";
                Images.writePng(tmp.resolve(file), Images.strip(strip));
                split.add(file);
            }
        }
        return new Evidence.Panel(p.video(), frames, cams[0], cams[1], split);
    }

    private static double[] row(float[] flat, int i, int t) {
        double[] r = new double[t];
        for (int k = 0; k < t; k++) {
            r[k] = flat[i * t + k];
        }
        return r;
    }
}
