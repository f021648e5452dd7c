package org.ecrl4j.pipeline;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.ecrl4j.data.DatasetReaders;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.explain.ClipEvidence;
import org.ecrl4j.explain.VideoEvidence;
import org.ecrl4j.saliency.SaliencyMethod;
import org.ecrl4j.saliency.SaliencyMethods;
import org.ecrl4j.saliency.SplitClip;
import org.ecrl4j.train.RunFolder;
import org.ecrl4j.util.AtomicFiles;
import org.ecrl4j.video.ClipTransform;
import org.ecrl4j.video.FrameSampler;

/**
 * The inputs of the explain step ({@link org.ecrl4j.explain.RunEvidence}) for the report of a run
 * trained from videos ({@code ecrl4j report --run DIR --data ANNOTATIONS}): the test features and
 * the videos behind them, each run's features of one split of the
 * annotations, through its own pipeline ({@link VideoPipeline}), cached in its run folder as
 * {@code report-features-<split>.npz} with a {@code .json} key (reused while the annotations, the
 * pipeline and the encoders are unchanged), the list of videos behind the rows, and the
 * {@link VideoEvidence} that re-decodes only the videos the report chooses.
 *
 * <p>Owns the runs' encoders and heads; close it after the evidence is written.
 */
public final class VideoReportInputs implements AutoCloseable {
    /** Cache file stem in a run folder; {@code <stem><split>.npz} and {@code .json}. */
    public static final String CACHE_STEM = "report-features-";
    private static final int CACHE_FORMAT = 1;

    private final List<AutoCloseable> owned = new ArrayList<>();
    private Path features;
    private Path compareFeatures;
    private Path tmp;
    private String split;
    private List<VideoSample> samples;
    private VideoEvidence evidence;

    private VideoReportInputs() {}

    /**
     * Extracts (or reuses) the test features of a split for the run and the compared run, and builds
     * the evidence of the videos behind them.
     *
     * @param run a run folder with {@code pipeline.json}
     * @param compare a compared run folder with {@code pipeline.json}, or null
     * @param split the split to report, or null for {@code iid}, else {@code test}, else the first
     *     split that is not train, train-unbiased or val
     * @param workers decoding threads
     * @throws IOException naming the file that is missing or unusable
     * @throws IllegalArgumentException when the split does not exist or the runs' classes differ
     */
    public static VideoReportInputs prepare(Path run, Path compare, Path annotations, String split, int workers,
            PrintStream log) throws IOException {
        VideoReportInputs in = new VideoReportInputs();
        try {
            in.load(run, compare, annotations, split, workers, log);
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** The run's test features (rows: {@link #samples}). */
    public Path features() {
        return features;
    }

    /** The compared run's test features of the same videos, or null without a compared run. */
    public Path compareFeatures() {
        return compareFeatures;
    }

    /** The split reported. */
    public String split() {
        return split;
    }

    /** The videos behind the rows of {@link #features}, in order. */
    public List<VideoSample> samples() {
        return samples;
    }

    /** Frames, Grad-CAM and the saliency split of the videos behind the rows. */
    public VideoEvidence evidence() {
        return evidence;
    }

    /** The split the report uses when none is named: iid, else test, else the first test-like split. */
    static String defaultSplit(Set<String> present, Path annotations) {
        for (String s : List.of("iid", "test")) {
            if (present.contains(s)) {
                return s;
            }
        }
        for (String s : present) {
            if (!Set.of("train", "train-unbiased", "val").contains(s)) {
                return s;
            }
        }
        throw new IllegalArgumentException(annotations + " has only the splits " + present
                + " and the report needs test videos; add a test split or name one with --split");
    }

    private void load(Path run, Path compare, Path annotations, String wanted, int workers, PrintStream log)
            throws IOException {
        VideoEvaluation ecrl = VideoEvaluation.open(run);
        owned.add(ecrl);
        VideoEvaluation base = null;
        if (compare != null) {
            if (!Files.isRegularFile(compare.resolve(VideoPipeline.FILE))) {
                throw new IllegalArgumentException("--compare " + compare + " was trained on cached features (it has no "
                        + VideoPipeline.FILE + "), so its outputs on the videos of " + annotations + " cannot be"
                        + " computed; compare against a run trained from videos (ecrl4j train --data ... --config base),"
                        + " or report both runs on one feature file with --features TEST.npz");
            }
            base = VideoEvaluation.open(compare);
            owned.add(base);
            if (!base.config().classes().equals(ecrl.config().classes())) {
                throw new IllegalArgumentException(compare + " was trained on the classes " + base.config().classes()
                        + " but " + run + " on " + ecrl.config().classes() + "; compare runs of the same dataset");
            }
        }
        List<VideoSample> all = DatasetReaders.read(annotations);
        Set<String> present = new LinkedHashSet<>();
        for (VideoSample s : all) {
            present.add(DatasetReaders.normalizeSplit(s.split()));
        }
        if (wanted == null) {
            split = defaultSplit(present, annotations);
        } else {
            split = DatasetReaders.normalizeSplit(wanted);
            if (!present.contains(split)) {
                throw new IllegalArgumentException(annotations + " has no split " + org.ecrl4j.data.AnnotationException.quote(wanted) + " (it has " + present + ")");
            }
        }
        List<VideoSample> rows = all.stream().filter(s -> DatasetReaders.normalizeSplit(s.split()).equals(split))
                .toList();
        String key = samplesKey(rows);
        log.println("report: test videos of split " + split + " (" + rows.size() + ") from " + annotations);
        Cached mine = cached(run, ecrl, split, rows, key, workers, log);
        Cached theirs = base == null ? null : cached(compare, base, split, rows, key, workers, log);
        List<Integer> common = new ArrayList<>(mine.rows());
        if (theirs != null) {
            common.retainAll(new LinkedHashSet<>(theirs.rows()));
        }
        if (common.isEmpty()) {
            throw new IOException("None of the " + rows.size() + " videos of split " + split + " in " + annotations
                    + " could be read (see the messages above); fix the paths in the annotations");
        }
        features = mine.file();
        if (theirs != null) {
            compareFeatures = theirs.file();
        }
        if (common.size() < mine.rows().size() || theirs != null && common.size() < theirs.rows().size()) {
            // One run skipped a video the other read: report the videos both have.
            log.println("report: " + common.size() + " videos were read by both runs; the others are left out");
            tmp = Files.createTempDirectory(run, ".report-features-");
            features = tmp.resolve("run.npz");
            subset(FeatureSet.load(mine.file()), mine.rows(), common).save(features);
            if (theirs != null) {
                compareFeatures = tmp.resolve("compare.npz");
                subset(FeatureSet.load(theirs.file()), theirs.rows(), common).save(compareFeatures);
            }
        }
        samples = common.stream().map(rows::get).toList();
        evidence = evidence(ecrl, base);
    }

    private VideoEvidence evidence(VideoEvaluation ecrl, VideoEvaluation base) {
        VideoPipeline p = ecrl.pipeline();
        List<String> notes = new ArrayList<>();
        ClipEvidence.CamModel ecrlCam = cam(ecrl, "ECRL run", notes);
        ClipEvidence.CamModel baseCam = null;
        if (base != null) {
            VideoPipeline q = base.pipeline();
            if (q.frames() != p.frames() || q.size() != p.size() || !q.saliency().equals(p.saliency())
                    || !q.split().equals(p.split())) {
                notes.add("The compared run samples its videos differently (T=" + q.frames() + ", size " + q.size()
                        + ", saliency " + q.saliency() + " against T=" + p.frames() + ", size " + p.size() + ", saliency "
                        + p.saliency() + "), so its Grad-CAM is not drawn over these frames; its scores come from its"
                        + " own features.");
            } else {
                baseCam = cam(base, "compared run", notes);
            }
        }
        NDManager manager = NDManager.newBaseManager();
        owned.add(manager::close);
        SaliencyMethod[] saliency = new SaliencyMethod[1];
        owned.add(() -> {
            if (saliency[0] != null) {
                saliency[0].close();
            }
        });
        List<String> classes = ecrl.config().classes();
        ClipEvidence.ClipSource source = i -> {
            VideoSample s = samples.get(i);
            StoredClip clip;
            try {
                if (saliency[0] == null) {
                    saliency[0] = SaliencyMethods.create(p.saliency());
                }
                clip = ClipStore.load(s, Math.max(0, DatasetReaders.classIndex(s.label(), classes)),
                        FrameSampler.segment(p.frames()), ClipTransform.square(p.size()), saliency[0]);
            } catch (RuntimeException e) {
                throw new IOException(s.path() + " cannot be read (" + e.getMessage() + "); its features were cached"
                        + " before: put the video back or delete " + CACHE_STEM + split + ".json to extract again", e);
            }
            SplitClip splitClip = ClipBatches.split(clip, p.split());
            return Optional.of(new ClipEvidence.NamedClip(s.path().toString(), splitClip));
        };
        return new ClipEvidence(source, baseCam, ecrlCam, manager, "no video is behind these rows",
                notes.isEmpty() ? null : String.join(" ", notes));
    }

    private static ClipEvidence.CamModel cam(VideoEvaluation ev, String what, List<String> notes) {
        try {
            return ClipEvidence.head(ev.encoders(), ev.model());
        } catch (IllegalArgumentException e) {
            notes.add("No Grad-CAM for the " + what + ": " + e.getMessage() + ".");
            return null;
        }
    }

    /** A run's features of the split with the indices (into the split's videos) of its rows. */
    private record Cached(Path file, List<Integer> rows) {}

    private static Cached cached(Path dir, VideoEvaluation ev, String split, List<VideoSample> rows, String samplesKey,
            int workers, PrintStream log) throws IOException {
        String name = CACHE_STEM + safe(split);
        Path file = dir.resolve(name + ".npz");
        Path keyFile = dir.resolve(name + ".json");
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("format", CACHE_FORMAT);
        key.put("samples_sha256", samplesKey);
        key.put("pipeline_sha256", RunFolder.sha256(dir.resolve(VideoPipeline.FILE)));
        Path params = dir.resolve(VideoPipeline.ENCODERS_FILE);
        key.put("encoders_sha256", Files.isRegularFile(params) ? RunFolder.sha256(params) : null);
        Optional<List<Integer>> reused = reuse(file, keyFile, key);
        if (reused.isPresent()) {
            log.println("report: reusing " + file + " (" + reused.get().size() + " videos)");
            return new Cached(file, reused.get());
        }
        log.println("report: extracting the test features of " + dir + " (" + rows.size() + " videos)");
        VideoFeatures.Result r = ev.extract(rows, workers, log::println);
        List<Integer> kept = new ArrayList<>();
        int j = 0;
        for (int i = 0; i < rows.size() && j < r.samples().size(); i++) {
            if (rows.get(i) == r.samples().get(j)) {
                kept.add(i);
                j++;
            }
        }
        if (kept.size() != r.samples().size()) {
            throw new IllegalStateException("the extracted videos are not in annotation order");
        }
        if (kept.isEmpty()) {
            throw new IOException("None of the " + rows.size() + " test videos could be read for " + dir
                    + " (see the messages above); fix the paths in the annotations");
        }
        r.features().save(file);
        Map<String, Object> written = new LinkedHashMap<>(key);
        written.put("features_sha256", RunFolder.sha256(file));
        written.put("rows", kept);
        List<Map<String, String>> skipped = new ArrayList<>();
        r.failures().forEach(f -> skipped.add(Map.of("video", f.video().toString(), "reason", f.reason())));
        written.put("skipped", skipped);
        AtomicFiles.writeString(keyFile, RunFolder.json().writeValueAsString(written));
        return new Cached(file, kept);
    }

    /** The rows of a cache whose key matches and whose feature file is the one it describes. */
    private static Optional<List<Integer>> reuse(Path file, Path keyFile, Map<String, Object> key) {
        if (!Files.isRegularFile(file) || !Files.isRegularFile(keyFile)) {
            return Optional.empty();
        }
        try {
            JsonNode k = RunFolder.json().readTree(keyFile.toFile());
            JsonNode expected = RunFolder.json().valueToTree(key);
            for (var it = expected.fields(); it.hasNext();) {
                var e = it.next();
                JsonNode got = k.path(e.getKey());
                if (!e.getValue().equals(got.isMissingNode() ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
                        : got)) {
                    return Optional.empty();
                }
            }
            if (!RunFolder.sha256(file).equals(k.path("features_sha256").asText())) {
                return Optional.empty();
            }
            List<Integer> rows = new ArrayList<>();
            k.path("rows").forEach(n -> rows.add(n.asInt()));
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a damaged key: extract again
        }
    }

    /** SHA-256 of the split's videos as listed (path, label, segment), in order. */
    private static String samplesKey(List<VideoSample> rows) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (VideoSample s : rows) {
                md.update((s.path() + "\t" + s.label() + "\t" + s.segment() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The rows {@code keep} (indices into the split) of a feature set whose rows are {@code have}. */
    static FeatureSet subset(FeatureSet f, List<Integer> have, List<Integer> keep) {
        int per = f.frames() * f.width();
        float[][] out = new float[3][keep.size() * per];
        long[] labels = new long[keep.size()];
        String[] names = {FeatureSet.VIDEO, FeatureSet.FOREGROUND, FeatureSet.BACKGROUND};
        for (int i = 0; i < keep.size(); i++) {
            int from = have.indexOf(keep.get(i));
            for (int s = 0; s < 3; s++) {
                System.arraycopy(f.stream(names[s]), from * per, out[s], i * per, per);
            }
            labels[i] = f.labels()[from];
        }
        return new FeatureSet(out[0], out[1], out[2], labels, f.frames(), f.width());
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                // closing native resources; nothing to recover
            }
        }
        owned.clear();
        if (tmp != null) {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // a temporary folder left behind is harmless
            }
        }
    }
}
