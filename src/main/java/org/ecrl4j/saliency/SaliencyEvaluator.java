package org.ecrl4j.saliency;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;
import org.ecrl4j.data.DatasetReaders;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.synth.BenchmarkWriter;
import org.ecrl4j.synth.OracleSaliency;
import org.ecrl4j.video.ClipTransform;
import org.ecrl4j.video.DecodeOptions;
import org.ecrl4j.video.FrameSampler;

/**
 * Scores saliency methods against the ground-truth object masks of a benchmark written by {@code
 * ecrl4j synth} (BENCHMARK.md, "saliency IoU"). For every video of a split, the T evaluation frames
 * (segment centres) are decoded once and brought to the input size; each method's saliency goes
 * through the split of MODEL.md section 1.3, and the foreground mask the split hands out
 * ({@link SplitClip#masks()}: saliency >= the foreground threshold, the mask of the background swap;
 * it does not depend on the crop mode or on the foreground-mask option, and with {@code --fg-mask
 * on} it is exactly the set of pixels S keeps) is compared with the ground-truth mask of the same
 * frame, brought through the same transform.
 *
 * <p>Per frame: both masks empty (a bg-only video without object, the end of a fade) leaves IoU
 * undefined and the frame is <em>not counted</em> (reported as {@code bothEmpty}); exactly one
 * empty counts IoU 0 (reported as {@code onlyTruthEmpty} / {@code onlyPredictedEmpty}); otherwise
 * |P ∩ G| / |P ∪ G|. The mean IoU of a method is the mean over the counted frames of all videos.
 * A video that cannot be decoded or whose masks cannot be read is skipped for every method (so the
 * methods are scored on the same frames) and reported.
 */
public final class SaliencyEvaluator {
    /** The "generator" of the result JSON: how {@code saliency-eval --overwrite} knows a file is its own. */
    public static final String GENERATOR = "ecrl4j saliency-eval";

    /**
     * How to evaluate.
     *
     * @param split the split to score ({@code iid} in BENCHMARK.md)
     * @param methods saliency method names ({@link SaliencyMethods#create})
     * @param frames T, frames per video (segment centres)
     * @param size the input size (square), or 0 for the benchmark's frame size
     * @param splitOptions the split; only its foreground threshold changes the mask
     */
    public record Options(String split, List<String> methods, int frames, int size, SplitOptions splitOptions) {
        public Options {
            if (split == null || split.isBlank()) {
                throw new IllegalArgumentException("split is required (iid, bg-shift, ...)");
            }
            if (methods == null || methods.isEmpty()) {
                throw new IllegalArgumentException("at least one saliency method is required");
            }
            methods = List.copyOf(methods);
            if (frames < 1) {
                throw new IllegalArgumentException("frames must be >= 1, got " + frames);
            }
            if (size < 0) {
                throw new IllegalArgumentException("size must be > 0 (or 0 for the benchmark's size), got " + size);
            }
            if (splitOptions == null) {
                throw new IllegalArgumentException("split options are required");
            }
        }
    }

    /**
     * The score of one method.
     *
     * @param method the method's name
     * @param meanIou mean IoU over the counted frames (NaN when none was counted)
     * @param counted frames that entered the mean
     * @param bothEmpty frames left out because truth and prediction were both empty
     * @param onlyTruthEmpty counted frames with an empty truth and a non-empty prediction (IoU 0)
     * @param onlyPredictedEmpty counted frames with a non-empty truth and an empty prediction (IoU 0)
     */
    public record MethodScore(String method, double meanIou, int counted, int bothEmpty, int onlyTruthEmpty,
            int onlyPredictedEmpty) {}

    /** A video left out, with the reason. */
    public record Skipped(Path video, String reason) {}

    /**
     * The result.
     *
     * @param data the benchmark folder
     * @param split the split scored
     * @param frames T
     * @param size the input size
     * @param foregroundThreshold the threshold of the foreground mask
     * @param videos videos of the split
     * @param scoredVideos videos scored (the others are in {@code skipped})
     * @param methods one score per method, in the order asked
     * @param skipped the videos left out
     */
    public record Evaluation(Path data, String split, int frames, int size, int foregroundThreshold, int videos,
            int scoredVideos, List<MethodScore> methods, List<Skipped> skipped) {
        /** The result as a JSON-ready map (snake_case keys). */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("generator", GENERATOR);
            m.put("data", data.toString());
            m.put("split", split);
            m.put("frames", frames);
            m.put("size", size);
            m.put("fg_threshold", foregroundThreshold);
            m.put("mask", "split foreground mask: saliency >= fg_threshold (independent of --crop and --fg-mask)");
            m.put("empty_frames", "both empty: not counted; only one empty: IoU 0");
            m.put("videos", videos);
            m.put("scored_videos", scoredVideos);
            Map<String, Object> ms = new LinkedHashMap<>();
            for (MethodScore s : methods) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("mean_iou", Double.isNaN(s.meanIou()) ? null : s.meanIou());
                e.put("frames_counted", s.counted());
                e.put("frames_both_empty", s.bothEmpty());
                e.put("frames_only_truth_empty", s.onlyTruthEmpty());
                e.put("frames_only_predicted_empty", s.onlyPredictedEmpty());
                ms.put(s.method(), e);
            }
            m.put("methods", ms);
            List<Map<String, String>> sk = new ArrayList<>();
            for (Skipped s : skipped) {
                sk.add(Map.of("path", s.video().toString(), "reason", s.reason()));
            }
            m.put("skipped", sk);
            return m;
        }
    }

    private SaliencyEvaluator() {}

    /**
     * IoU of a predicted and a true mask of one size: empty when both are empty (undefined), 0 when
     * only one is, else |P ∩ G| / |P ∪ G|.
     */
    public static OptionalDouble iou(Mask predicted, Mask truth) {
        if (predicted.width() != truth.width() || predicted.height() != truth.height()) {
            throw new IllegalArgumentException("Masks of " + predicted.width() + "x" + predicted.height() + " and "
                    + truth.width() + "x" + truth.height() + " cannot be compared");
        }
        byte[] p = predicted.values();
        byte[] g = truth.values();
        int inter = 0;
        int union = 0;
        for (int i = 0; i < p.length; i++) {
            boolean a = p[i] != 0;
            boolean b = g[i] != 0;
            inter += a && b ? 1 : 0;
            union += a || b ? 1 : 0;
        }
        return union == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) inter / union);
    }

    /**
     * Scores the methods on one split of the benchmark in {@code data}.
     *
     * @param progress where progress lines go, or {@code null}
     * @throws IOException when the benchmark's annotations or parameters cannot be read
     * @throws IllegalArgumentException for an unknown split or method, naming the known ones
     */
    public static Evaluation evaluate(Path data, Options options, PrintWriter progress) throws IOException {
        Path annotations = data.resolve(BenchmarkWriter.ANNOTATIONS);
        if (!Files.isRegularFile(annotations)) {
            throw new IOException("No " + BenchmarkWriter.ANNOTATIONS + " in " + data + ": saliency-eval needs a benchmark"
                    + " written by 'ecrl4j synth --out DIR'; pass that folder");
        }
        OracleSaliency truthSource = new OracleSaliency(data);
        List<VideoSample> all = DatasetReaders.read(annotations);
        List<VideoSample> samples = all.stream().filter(s -> s.split().equals(options.split())).toList();
        if (samples.isEmpty()) {
            TreeSet<String> splits = new TreeSet<>();
            all.forEach(s -> splits.add(s.split()));
            throw new IllegalArgumentException("Split '" + options.split() + "' has no videos in " + annotations
                    + "; the splits there are " + splits);
        }
        int size = options.size() == 0 ? truthSource.size() : options.size();
        ClipIngest.Options ingest = new ClipIngest.Options(FrameSampler.segment(options.frames()),
                new ClipTransform(size, size, size, 0), options.splitOptions(), DecodeOptions.DEFAULTS);
        ForegroundBackgroundSplit splitter = new ForegroundBackgroundSplit(options.splitOptions());
        int m = options.methods().size();
        double[] sum = new double[m];
        int[] counted = new int[m];
        int[] bothEmpty = new int[m];
        int[] truthEmpty = new int[m];
        int[] predEmpty = new int[m];
        List<Skipped> skipped = new ArrayList<>();
        List<SaliencyMethod> methods = new ArrayList<>();
        try (SaliencyMethod truth = new OracleSaliencyMethod(data)) {
            for (String name : options.methods()) {
                methods.add(SaliencyMethods.create(name));
            }
            int done = 0;
            int step = Math.max(1, samples.size() / 10);
            for (VideoSample sample : samples) {
                List<List<Mask>> predicted = new ArrayList<>(m);
                List<Mask> truthMasks;
                try {
                    ClipIngest.Clip clip = ClipIngest.read(ingest, sample.path(), sample.segment(), false, 0);
                    truthMasks = ForegroundBackgroundSplit.thresholdAll(truth.compute(clip.frames(), clip.source()), 128);
                    for (SaliencyMethod method : methods) {
                        predicted.add(splitter.split(clip.frames(), method, clip.source()).masks());
                    }
                } catch (RuntimeException e) {
                    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                    skipped.add(new Skipped(sample.path(), msg));
                    report(progress, "saliency-eval: skipped " + sample.path() + ": " + msg);
                    continue;
                } finally {
                    done++;
                    if (done % step == 0 || done == samples.size()) {
                        report(progress, "saliency-eval: " + done + "/" + samples.size() + " videos");
                    }
                }
                for (int k = 0; k < m; k++) {
                    for (int t = 0; t < truthMasks.size(); t++) {
                        Mask p = predicted.get(k).get(t);
                        Mask g = truthMasks.get(t);
                        OptionalDouble iou = iou(p, g);
                        if (iou.isEmpty()) {
                            bothEmpty[k]++;
                            continue;
                        }
                        counted[k]++;
                        sum[k] += iou.getAsDouble();
                        truthEmpty[k] += g.count() == 0 ? 1 : 0;
                        predEmpty[k] += p.count() == 0 ? 1 : 0;
                    }
                }
            }
        } finally {
            for (SaliencyMethod method : methods) {
                method.close();
            }
        }
        List<MethodScore> scores = new ArrayList<>(m);
        for (int k = 0; k < m; k++) {
            scores.add(new MethodScore(options.methods().get(k), counted[k] == 0 ? Double.NaN : sum[k] / counted[k],
                    counted[k], bothEmpty[k], truthEmpty[k], predEmpty[k]));
        }
        return new Evaluation(data, options.split(), options.frames(), size, options.splitOptions().foregroundThreshold(),
                samples.size(), samples.size() - skipped.size(), scores, skipped);
    }

    private static void report(PrintWriter progress, String line) {
        if (progress != null) {
            progress.println(line);
            progress.flush();
        }
    }
}
