package org.ecrl4j.pipeline;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.ecrl4j.data.AnnotationException;
import org.ecrl4j.data.DatasetReaders;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.eval.BiasMetrics;
import org.ecrl4j.eval.FieldBiasMetrics;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.RunFolder;
import org.ecrl4j.video.Views;

/**
 * Evaluation and prediction of a run trained on videos ({@code ecrl4j eval --data},
 * {@code ecrl4j predict}): the run's own pipeline ({@link VideoPipeline}) turns each video into
 * features, then its head classifies them.
 */
public final class VideoEvaluation implements AutoCloseable {
    /** One class with its probability. */
    public record Ranked(String label, double probability) {}

    /** The top classes of one video. */
    public record Prediction(Path video, List<Ranked> top) {}

    /** The predictions of a batch of videos, with those that could not be read. */
    public record Predictions(List<Prediction> predictions, List<DatasetMapper.Failure> failures) {}

    private final Path run;
    private final RunFolder.RunConfig config;
    private final VideoPipeline pipeline;
    private final NDManager manager;
    private final Encoders encoders;
    private final HeadModel model;

    private VideoEvaluation(Path run, RunFolder.RunConfig config, VideoPipeline pipeline, NDManager manager,
            Encoders encoders, HeadModel model) {
        this.run = run;
        this.config = config;
        this.pipeline = pipeline;
        this.manager = manager;
        this.encoders = encoders;
        this.model = model;
    }

    /**
     * Opens a run folder written by {@code train --data}.
     *
     * @throws IOException naming what is missing or does not match
     */
    public static VideoEvaluation open(Path run) throws IOException {
        RunFolder.RunConfig config = RunFolder.readConfig(run);
        VideoPipeline pipeline = VideoPipeline.read(run);
        NDManager manager = NDManager.newBaseManager();
        try {
            Encoders encoders = pipeline.openEncoders(run, manager);
            if (encoders.featureWidth() != config.shape().width() || pipeline.frames() != config.shape().frames()) {
                throw new IOException(run + ": the encoders give T=" + pipeline.frames() + ", d="
                        + encoders.featureWidth() + " but the head was trained on T=" + config.shape().frames() + ", d="
                        + config.shape().width() + "; the run folder mixes files of two runs: train it again");
            }
            HeadModel model = HeadModel.load(run, config.head(), config.shape());
            return new VideoEvaluation(run, config, pipeline, manager, encoders, model);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public RunFolder.RunConfig config() {
        return config;
    }

    public VideoPipeline pipeline() {
        return pipeline;
    }

    /** The run's frozen encoders M_v, M_s, M_c (owned by this object). */
    public Encoders encoders() {
        return encoders;
    }

    /** The run's head (owned by this object). */
    public HeadModel model() {
        return model;
    }

    /**
     * Features of videos through the run's pipeline, with the videos kept and those skipped: the
     * features are in the order of {@code samples}, less the skipped ones.
     */
    public VideoFeatures.Result extract(List<VideoSample> samples, int workers, Consumer<String> progress) {
        return VideoFeatures.extractAll(samples, config.classes(), encoders, manager, pipeline.saliency(),
                pipeline.settings(), workers, progress);
    }

    /**
     * Evaluates the run on the given splits of a dataset (all but train, train-unbiased and val when
     * {@code splits} is empty); adds the bias metrics of BENCHMARK.md when the four benchmark test
     * splits are among them. Each video's class probabilities are the softmax averaged over
     * {@code views} ({@link Views#ONE}: the single centre clip); the result names the views.
     *
     * @throws AnnotationException when a label is not one of the run's classes
     */
    public Map<String, Object> evaluate(Path annotations, List<String> splits, Views views, int workers,
            Consumer<String> progress) throws IOException {
        List<VideoSample> all = DatasetReaders.read(annotations);
        List<String> classes = config.classes();
        List<String> wanted = evaluatedSplits(annotations, all, splits, classes);
        Map<String, Object> result = resultHeader(run, config.head().name(), annotations, views);
        Map<String, Object> perSplit = new LinkedHashMap<>();
        Map<String, Double> acc1 = new LinkedHashMap<>();
        Map<String, VideoFeatures.ViewsResult> extracted = new LinkedHashMap<>();
        Map<String, Evaluation> evaluations = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (String split : wanted) {
            List<VideoSample> samples = all.stream().filter(s -> DatasetReaders.normalizeSplit(s.split()).equals(split)).toList();
            progress.accept("split " + split + ": " + samples.size() + " videos");
            VideoFeatures.ViewsResult r = VideoFeatures.extractViews(samples, classes, encoders, manager,
                    pipeline.saliency(), pipeline.settings(), views, workers, progress);
            r.failures().forEach(f -> skipped.add(f.video() + ": " + f.reason()));
            if (r.samples().isEmpty()) {
                progress.accept("split " + split + ": no video could be read; left out");
                continue;
            }
            long[] labels = r.views().get(0).labels();
            Evaluation e = Evaluation.of(viewLogits(r.views()), labels, classes.size());
            Map<String, Object> m = new LinkedHashMap<>(e.toJson());
            m.put("skipped", r.failures().size());
            perSplit.put(split, m);
            acc1.put(split, e.acc1());
            extracted.put(split, r);
            evaluations.put(split, e);
        }
        result.put("splits", perSplit);
        if (BiasMetrics.applicable(acc1.keySet())) {
            Map<String, Object> bias = new LinkedHashMap<>(BiasMetrics.of(acc1).toJson());
            bias.putAll(fieldMetrics(extracted, evaluations, all, workers, progress).toJson());
            result.put("bias", bias);
        }
        result.put("chance", 1.0 / classes.size());
        result.put("skipped_videos", skipped);
        return result;
    }

    /**
     * The field's bias metrics ({@link FieldBiasMetrics}): the bg-shift videos are read once more as
     * their static versions for the contrasted accuracy; the home class of each background comes from
     * the annotations' bg-only rows. A bg-shift video whose static version cannot be read counts as
     * not contrasted. The static version is read as one view (the centre clip and crop) whatever
     * {@code --views} is: its frames are all alike, so further temporal clips would repeat it.
     */
    private FieldBiasMetrics fieldMetrics(Map<String, VideoFeatures.ViewsResult> extracted, Map<String, Evaluation> evals,
            List<VideoSample> all, int workers, Consumer<String> progress) {
        List<String> classes = config.classes();
        VideoFeatures.ViewsResult shift = extracted.get(BiasMetrics.BG_SHIFT);
        progress.accept("bg-shift: " + shift.samples().size() + " static versions (first frame repeated)");
        VideoFeatures.Result still = VideoFeatures.extractAll(shift.samples(), classes, encoders, manager,
                pipeline.saliency(), pipeline.settings(), true, workers, progress);
        int[] stillPred = Evaluation.of(model.logits(still.features(), 64), still.features().labels(), classes.size())
                .predictions();
        int[] staticVersion = new int[shift.samples().size()];
        long[] labels = shift.views().get(0).labels();
        for (int i = 0, j = 0; i < staticVersion.length; i++) {
            boolean kept = j < still.samples().size() && still.samples().get(j).equals(shift.samples().get(i));
            staticVersion[i] = kept ? stillPred[j++] : (int) labels[i];
        }
        int[] backgroundHome = backgroundHomes(shift.samples(), all, classes);
        return FieldBiasMetrics.of(evals.get(BiasMetrics.BG_SHIFT).predictions(), staticVersion, labels, backgroundHome,
                evals.get(BiasMetrics.BG_ONLY).acc1(), classes.size());
    }

    /**
     * The splits {@code eval --data} evaluates: {@code splits} (normalised), or every split but
     * train, train-unbiased and val when it is empty.
     *
     * @throws IllegalArgumentException naming a split the annotations do not have
     * @throws AnnotationException when a label of those splits is not one of {@code classes}
     */
    public static List<String> evaluatedSplits(Path annotations, List<VideoSample> all, List<String> splits,
            List<String> classes) throws AnnotationException {
        Set<String> present = new LinkedHashSet<>();
        for (VideoSample s : all) {
            present.add(DatasetReaders.normalizeSplit(s.split()));
        }
        List<String> wanted = new ArrayList<>();
        if (splits.isEmpty()) {
            for (String s : present) {
                if (!Set.of("train", "train-unbiased", "val").contains(s)) {
                    wanted.add(s);
                }
            }
            if (wanted.isEmpty()) {
                throw new IllegalArgumentException(annotations + " has only the splits " + present
                        + "; name one with --split");
            }
        } else {
            for (String s : splits) {
                String n = DatasetReaders.normalizeSplit(s);
                if (!present.contains(n)) {
                    throw new IllegalArgumentException(annotations + " has no split " + org.ecrl4j.data.AnnotationException.quote(s) + " (it has " + present + ")");
                }
                wanted.add(n);
            }
        }
        for (VideoSample s : all) {
            if (wanted.contains(DatasetReaders.normalizeSplit(s.split())) && DatasetReaders.classIndex(s.label(), classes) < 0) {
                throw new AnnotationException(annotations, 0, "label " + org.ecrl4j.data.AnnotationException.quote(s.label()) + " of " + s.path()
                        + " is not one of the run's " + classes.size() + " classes " + classes
                        + "; evaluate on annotations of the classes the run was trained on");
            }
        }
        return wanted;
    }

    /** The first keys of an evaluation's JSON: the run, its head, the annotations and the views. */
    public static Map<String, Object> resultHeader(Path run, String config, Path annotations, Views views)
            throws IOException {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("run", run.toAbsolutePath().toString());
        result.put("config", config);
        result.put("annotations", annotations.toAbsolutePath().toString());
        Map<String, Object> viewJson = new LinkedHashMap<>();
        viewJson.put("views", views.toString());
        viewJson.put("clips", views.clips());
        viewJson.put("crops", views.crops());
        viewJson.put("combine", "mean of the softmax over the views");
        result.put("views", viewJson);
        if (Files.isRegularFile(annotations)) {
            result.put("annotations_sha256", RunFolder.sha256(annotations));
        }
        return result;
    }

    /**
     * The home class of each {@code shifted} video's background (-1 when unknown), from the bg-only
     * rows of the annotations {@code all} ({@link FieldBiasMetrics#homeClasses}).
     */
    public static int[] backgroundHomes(List<VideoSample> shifted, List<VideoSample> all, List<String> classes) {
        List<VideoSample> bgOnly = all.stream()
                .filter(s -> DatasetReaders.normalizeSplit(s.split()).equals(BiasMetrics.BG_ONLY)).toList();
        Map<String, Integer> home = FieldBiasMetrics.homeClasses(
                bgOnly.stream().map(s -> s.attributes().get(FieldBiasMetrics.BACKGROUND)).toList(),
                bgOnly.stream().mapToLong(s -> DatasetReaders.classIndex(s.label(), classes)).toArray());
        return shifted.stream()
                .mapToInt(s -> home.getOrDefault(s.attributes().get(FieldBiasMetrics.BACKGROUND), -1)).toArray();
    }

    /** The {@code k} (at most all) most probable classes, most probable first; ties go to the lower index. */
    public static int[] topClasses(double[] p, int k) {
        Integer[] order = new Integer[p.length];
        for (int c = 0; c < p.length; c++) {
            order[c] = c;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        int[] top = new int[Math.min(k, p.length)];
        for (int j = 0; j < top.length; j++) {
            top[j] = order[j];
        }
        return top;
    }

    /**
     * The head's logits of each video (L floats, null for a video that could not be read) and the
     * videos skipped with the reason; with {@code still} those of the videos' static versions. The
     * run's encoders and head may be shared by threads (forward passes are serialised).
     */
    public Scores score(List<VideoSample> samples, boolean still, int workers, Consumer<String> progress) {
        VideoFeatures.Result r = VideoFeatures.extractAll(samples, config.classes(), encoders, manager,
                pipeline.saliency(), pipeline.settings(), still, workers, progress);
        int l = config.classes().size();
        float[] logits = r.samples().isEmpty() ? new float[0] : headLogits(r.features());
        List<float[]> out = new ArrayList<>(samples.size());
        for (int i = 0, j = 0; i < samples.size(); i++) {
            boolean kept = j < r.samples().size() && r.samples().get(j).equals(samples.get(i));
            if (kept) {
                out.add(java.util.Arrays.copyOfRange(logits, j * l, (j + 1) * l));
                j++;
            } else {
                out.add(null);
            }
        }
        return new Scores(out, r.failures());
    }

    /**
     * What {@link #score} gives.
     *
     * @param logits per video in input order: its L logits, or null when it was skipped
     * @param failures the videos skipped, with the reason
     */
    public record Scores(List<float[]> logits, List<DatasetMapper.Failure> failures) {}

    private synchronized float[] headLogits(FeatureSet f) {
        return model.logits(f, 64);
    }

    /**
     * The top {@code k} classes (at most L) of each video, the probabilities being the softmax averaged
     * over {@code views} as in {@link #evaluate}; unreadable videos are listed apart.
     */
    public Predictions predict(List<Path> videos, Views views, int k, int workers, Consumer<String> progress) {
        List<String> classes = config.classes();
        List<VideoSample> samples = new ArrayList<>();
        for (Path v : videos) {
            samples.add(new VideoSample(v, classes.get(0), "", null, Map.of()));
        }
        VideoFeatures.ViewsResult r = VideoFeatures.extractViews(samples, classes, encoders, manager,
                pipeline.saliency(), pipeline.settings(), views, workers, progress);
        List<Prediction> out = new ArrayList<>();
        if (!r.samples().isEmpty()) {
            float[] logits = viewLogits(r.views());
            int l = classes.size();
            for (int i = 0; i < r.samples().size(); i++) {
                double[] p = softmax(logits, i * l, l);
                List<Ranked> top = new ArrayList<>();
                for (int c : topClasses(p, k)) {
                    top.add(new Ranked(classes.get(c), p[c]));
                }
                out.add(new Prediction(r.samples().get(i).path(), top));
            }
        }
        return new Predictions(out, r.failures());
    }

    /** The head's logits of each view, combined by {@link #meanSoftmax}. */
    float[] viewLogits(List<FeatureSet> views) {
        List<float[]> logits = new ArrayList<>(views.size());
        for (FeatureSet v : views) {
            logits.add(model.logits(v, 64));
        }
        return meanSoftmax(logits, config.classes().size());
    }

    /**
     * Combines the (N, L) logits of several views of the same N videos: one view as it is; several,
     * the log of the mean softmax over the views (so Acc@1 and Acc@5 rank the averaged
     * probabilities).
     */
    static float[] meanSoftmax(List<float[]> views, int classes) {
        if (views.size() == 1) {
            return views.get(0);
        }
        int n = views.get(0).length / classes;
        double[] mean = new double[n * classes];
        for (float[] logits : views) {
            for (int i = 0; i < n; i++) {
                double[] p = softmax(logits, i * classes, classes);
                for (int c = 0; c < classes; c++) {
                    mean[i * classes + c] += p[c] / views.size();
                }
            }
        }
        float[] out = new float[mean.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.log(Math.max(mean[i], Double.MIN_NORMAL));
        }
        return out;
    }

    /** Softmax of {@code n} logits starting at {@code from}. */
    public static double[] softmax(float[] logits, int from, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < n; c++) {
            max = Math.max(max, logits[from + c]);
        }
        double[] p = new double[n];
        double z = 0;
        for (int c = 0; c < n; c++) {
            p[c] = Math.exp(logits[from + c] - max);
            z += p[c];
        }
        for (int c = 0; c < n; c++) {
            p[c] /= z;
        }
        return p;
    }

    /** Features of a dataset through the run's pipeline (for tests and tools). */
    public FeatureSet features(List<VideoSample> samples, int workers, Consumer<String> progress) {
        return VideoFeatures.extractAll(samples, config.classes(), encoders, manager, pipeline.saliency(),
                pipeline.settings(), workers, progress).features();
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }
}
