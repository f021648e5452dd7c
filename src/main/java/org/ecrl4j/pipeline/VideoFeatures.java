package org.ecrl4j.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.ecrl4j.data.DatasetReaders;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.saliency.ClipSource;
import org.ecrl4j.nn.backbone.VideoEncoder;
import org.ecrl4j.saliency.SaliencyMethod;
import org.ecrl4j.saliency.SaliencyMethods;
import org.ecrl4j.saliency.SplitClip;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.video.ClipReader;
import org.ecrl4j.video.ClipTransform;
import org.ecrl4j.video.DecodeOptions;
import org.ecrl4j.video.FrameSampler;
import org.ecrl4j.video.RgbFrame;
import org.ecrl4j.video.Views;

/**
 * Per-frame features of the three streams V, S, C of videos: the work behind {@code ecrl4j
 * extract}, {@code eval --data} and {@code predict}.
 *
 * <p>{@link #of} is one pure per-video function (a video in, three (T, d) arrays out; it depends
 * only on its arguments), so a dataset can be split across machines and the pieces joined; {@link
 * #extractAll} runs it over a dataset on worker threads, skipping and listing the videos that fail.
 */
public final class VideoFeatures {
    /**
     * How a video is sampled and split.
     *
     * @param frames T
     * @param size the square input size
     * @param split the foreground/background split
     */
    public record Settings(int frames, int size, SplitOptions split) {
        public Settings {
            if (frames < 1) {
                throw new IllegalArgumentException("--frames must be >= 1, got " + frames);
            }
            if (size < 8) {
                throw new IllegalArgumentException("--size must be >= 8 pixels, got " + size);
            }
        }
    }

    /** The features of one video: V, S and C, each (T, d) flattened row-major. */
    public record Streams(float[] video, float[] foreground, float[] background, int frames, int width) {}

    /**
     * The result of a dataset.
     *
     * @param features the features of the videos that worked, in annotation order
     * @param samples those videos
     * @param failures the videos skipped, with the reason
     */
    public record Result(FeatureSet features, List<VideoSample> samples, List<DatasetMapper.Failure> failures) {}

    private VideoFeatures() {}

    /**
     * The pure per-video function: decode T frames (evaluation sampling, centre crop), compute the
     * saliency, split, and encode each stream with its encoder.
     *
     * @throws RuntimeException naming the video when it cannot be decoded
     */
    public static Streams of(VideoSample sample, Encoders encoders, NDManager manager, SaliencyMethod saliency,
            Settings settings) {
        return of(sample, encoders, manager, saliency, settings, false);
    }

    /**
     * {@link #of(VideoSample, Encoders, NDManager, SaliencyMethod, Settings)}, or with {@code still}
     * the features of the video's static version ({@link StoredClip#still}: its first sampled frame
     * repeated, with the empty saliency of a still clip), for the contrasted accuracy.
     */
    public static Streams of(VideoSample sample, Encoders encoders, NDManager manager, SaliencyMethod saliency,
            Settings settings, boolean still) {
        StoredClip loaded = ClipStore.load(sample, 0, FrameSampler.segment(settings.frames()),
                ClipTransform.square(settings.size()), saliency);
        StoredClip clip = still ? loaded.still() : loaded;
        float[][] f = encode(encoders, manager, List.of(ClipBatches.split(clip, settings.split())), 1);
        Streams out = new Streams(f[0], f[1], f[2], settings.frames(), encoders.featureWidth());
        requireFinite(sample.path(), out); // extractAll skips and lists the video when this throws
        return out;
    }

    /**
     * The per-video function of multi-view testing: the features of each view of
     * {@link ClipReader#sampleViews} (clip-major), each view's saliency computed on its own frames,
     * split and encoded as {@link #of} does; {@link Views#ONE} gives exactly {@link #of}'s features.
     *
     * @throws RuntimeException naming the video when it cannot be decoded
     */
    public static List<Streams> ofViews(VideoSample sample, Encoders encoders, NDManager manager,
            SaliencyMethod saliency, Settings settings, Views views) {
        List<ClipReader.Sampled> clips = ClipReader.sampleViews(sample.path(), sample.segment(),
                FrameSampler.segment(settings.frames()), ClipTransform.square(settings.size()), DecodeOptions.DEFAULTS,
                views);
        List<SplitClip> splits = new ArrayList<>(clips.size());
        for (ClipReader.Sampled c : clips) {
            StoredClip stored = new StoredClip(sample, 0, c.frameIndices(), c.frames(),
                    saliency.compute(c.frames(), ClipSource.of(c)));
            splits.add(ClipBatches.split(stored, settings.split()));
        }
        float[][] f = encode(encoders, manager, splits, Math.min(16, splits.size()));
        int per = settings.frames() * encoders.featureWidth();
        List<Streams> out = new ArrayList<>(clips.size());
        for (int v = 0; v < clips.size(); v++) {
            Streams s = new Streams(java.util.Arrays.copyOfRange(f[0], v * per, (v + 1) * per),
                    java.util.Arrays.copyOfRange(f[1], v * per, (v + 1) * per),
                    java.util.Arrays.copyOfRange(f[2], v * per, (v + 1) * per), settings.frames(),
                    encoders.featureWidth());
            requireFinite(sample.path(), s);
            out.add(s);
        }
        return out;
    }

    /**
     * The features of every view of a dataset's videos: one feature set per view (clip-major), each
     * in annotation order over the same videos; a video that fails is skipped in all of them.
     *
     * @see #extractAll
     */
    public static ViewsResult extractViews(List<VideoSample> samples, List<String> classes, Encoders encoders,
            NDManager manager, String saliency, Settings settings, Views views, int workers,
            Consumer<String> progress) {
        long[] labels = new long[samples.size()];
        DatasetMapper.Result<List<Streams>> r = DatasetMapper.map(samples,
                DatasetMapper.Options.of(workers, "extracted (" + views + " views)", 20),
                () -> SaliencyMethods.create(saliency), SaliencyMethod::close, (s, k, method) -> {
                    labels[k] = labelOf(s, classes);
                    return ofViews(s, encoders, manager, method, settings, views);
                }, progress);
        List<VideoSample> kept = new ArrayList<>();
        List<List<Streams>> perView = new ArrayList<>();
        for (int v = 0; v < views.count(); v++) {
            perView.add(new ArrayList<>());
        }
        List<Long> keptLabels = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            List<Streams> f = r.outputs().get(i);
            if (f != null) {
                kept.add(samples.get(i));
                keptLabels.add(labels[i]);
                for (int v = 0; v < f.size(); v++) {
                    perView.get(v).add(f.get(v));
                }
            }
        }
        long[] y = keptLabels.stream().mapToLong(Long::longValue).toArray();
        List<FeatureSet> sets = new ArrayList<>();
        for (List<Streams> v : perView) {
            sets.add(join(v, y, settings.frames(), encoders.featureWidth()));
        }
        return new ViewsResult(sets, kept, r.failures());
    }

    /**
     * The result of {@link #extractViews}.
     *
     * @param views one feature set per view, clip-major, over the same videos
     * @param samples those videos, in annotation order
     * @param failures the videos skipped, with the reason
     */
    public record ViewsResult(List<FeatureSet> views, List<VideoSample> samples, List<DatasetMapper.Failure> failures) {}

    /**
     * Refuses features of {@code video} that are not finite, naming the video, the stream and
     * the first bad (frame, dim): such features would give NaN logits or a failed training.
     *
     * @throws IllegalStateException naming the video
     */
    public static void requireFinite(java.nio.file.Path video, Streams s) {
        requireFinite(new float[][] {s.video(), s.foreground(), s.background()}, s.width() * s.frames(), s.width(),
                i -> video);
    }

    /**
     * Checks three flat (N, T, d) streams; {@code videoOf} names video n.
     *
     * @throws IllegalStateException naming the first video whose features are not finite
     */
    private static void requireFinite(float[][] streams, int perVideo, int width,
            java.util.function.IntFunction<java.nio.file.Path> videoOf) {
        String[] names = {FeatureSet.VIDEO, FeatureSet.FOREGROUND, FeatureSet.BACKGROUND};
        for (int k = 0; k < 3; k++) {
            float[] a = streams[k];
            for (int i = 0; i < a.length; i++) {
                if (!Float.isFinite(a[i])) {
                    int r = i % perVideo;
                    throw new IllegalStateException(videoOf.apply(i / perVideo) + ": the backbone produced " + a[i]
                            + " features at [" + r / width + ", " + r % width + "] (frame, dim) of stream '" + names[k]
                            + "'; features must be finite: check the video's frames and the backbone's weights");
                }
            }
        }
    }

    /**
     * Encodes split clips, {@code batchSize} at a time: V with M_v, S with M_s, C with M_c.
     *
     * @return three flat arrays (N, T, d): video, foreground, background
     */
    public static float[][] encode(Encoders encoders, NDManager manager, List<SplitClip> splits, int batchSize) {
        int n = splits.size();
        int d = encoders.featureWidth();
        int t = n == 0 ? 0 : splits.get(0).whole().size();
        float[][] out = {new float[n * t * d], new float[n * t * d], new float[n * t * d]};
        Encoders.Stream[] encoderOf = {Encoders.Stream.V, Encoders.Stream.S, Encoders.Stream.C};
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            for (int s = 0; s < 3; s++) {
                ClipBatches.Stream stream = ClipBatches.Stream.values()[s];
                List<List<RgbFrame>> batch = new ArrayList<>();
                for (int i = start; i < end; i++) {
                    batch.add(ClipBatches.stream(splits.get(i), stream));
                }
                try (NDManager step = manager.newSubManager()) {
                    VideoEncoder encoder = encoders.get(encoderOf[s]);
                    NDArray x = ClipBatches.toArray(step, batch, encoder);
                    float[] f;
                    synchronized (encoders) { // one forward pass at a time; decoding runs in parallel
                        f = encoder.encode(new ParameterStore(step, false), x, false).toFloatArray();
                    }
                    System.arraycopy(f, 0, out[s], start * t * d, f.length);
                }
            }
        }
        return out;
    }

    /** Features of stored clips (labels from the clips). */
    public static FeatureSet ofClips(Encoders encoders, NDManager manager, List<StoredClip> clips, SplitOptions split,
            int batchSize) {
        List<SplitClip> splits = new ArrayList<>(clips.size());
        for (StoredClip c : clips) {
            splits.add(ClipBatches.split(c, split));
        }
        float[][] f = encode(encoders, manager, splits, batchSize);
        int t = clips.isEmpty() ? 0 : clips.get(0).frames().size();
        int d = encoders.featureWidth();
        if (t * d > 0) {
            requireFinite(f, t * d, d, i -> clips.get(i).sample().path());
        }
        return features(f, EncoderTrainer.labels(clips), t, d);
    }

    /**
     * Features of background-swapped copies of stored clips (MODEL.md 6b): each clip's foreground
     * on the frames of another drawn with {@code seed} ({@link BackgroundSwap#swapClips}), label kept.
     */
    public static FeatureSet ofSwappedClips(Encoders encoders, NDManager manager, List<StoredClip> clips,
            SplitOptions split, int batchSize, long seed) {
        return ofClips(encoders, manager, BackgroundSwap.swapClips(clips, seed, split.foregroundThreshold()), split,
                batchSize);
    }

    /** Two feature sets one after the other. */
    public static FeatureSet concat(FeatureSet a, FeatureSet b) {
        if (a.frames() != b.frames() || a.width() != b.width()) {
            throw new IllegalArgumentException("Cannot join feature sets of T=" + a.frames() + ", d=" + a.width()
                    + " and T=" + b.frames() + ", d=" + b.width());
        }
        float[][] out = new float[3][];
        String[] names = {FeatureSet.VIDEO, FeatureSet.FOREGROUND, FeatureSet.BACKGROUND};
        for (int s = 0; s < 3; s++) {
            float[] x = a.stream(names[s]);
            float[] y = b.stream(names[s]);
            out[s] = java.util.Arrays.copyOf(x, x.length + y.length);
            System.arraycopy(y, 0, out[s], x.length, y.length);
        }
        long[] la = a.labels();
        long[] lb = b.labels();
        long[] labels = java.util.Arrays.copyOf(la, la.length + lb.length);
        System.arraycopy(lb, 0, labels, la.length, lb.length);
        return new FeatureSet(out[0], out[1], out[2], labels, a.frames(), a.width());
    }

    private static FeatureSet features(float[][] f, long[] labels, int t, int d) {
        return new FeatureSet(f[0], f[1], f[2], labels, t, d);
    }

    /**
     * Runs {@link #of} over a dataset on worker threads. A video that fails (missing, corrupt, a
     * label outside {@code classes}) is skipped and listed; the others are kept in annotation order.
     *
     * @param classes the class names; a label is mapped with {@link DatasetReaders#classIndex}
     * @param saliency a saliency method name (one instance per worker)
     * @param workers decoding threads
     * @param progress receives a line every few percent, with the ETA, and one per skipped video
     */
    public static Result extractAll(List<VideoSample> samples, List<String> classes, Encoders encoders,
            NDManager manager, String saliency, Settings settings, int workers, Consumer<String> progress) {
        return extractAll(samples, classes, encoders, manager, saliency, settings, false, workers, progress);
    }

    /** {@link #extractAll(List, List, Encoders, NDManager, String, Settings, int, Consumer)} of the static versions with {@code still}. */
    public static Result extractAll(List<VideoSample> samples, List<String> classes, Encoders encoders,
            NDManager manager, String saliency, Settings settings, boolean still, int workers,
            Consumer<String> progress) {
        long[] labels = new long[samples.size()];
        DatasetMapper.Result<Streams> r = DatasetMapper.map(samples, DatasetMapper.Options.of(workers, "extracted", 20),
                () -> SaliencyMethods.create(saliency), SaliencyMethod::close, (s, k, method) -> {
                    labels[k] = labelOf(s, classes);
                    return of(s, encoders, manager, method, settings, still);
                }, progress);
        List<VideoSample> kept = new ArrayList<>();
        List<Streams> streams = new ArrayList<>();
        List<Long> keptLabels = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Streams f = r.outputs().get(i);
            if (f != null) {
                kept.add(samples.get(i));
                streams.add(f);
                keptLabels.add(labels[i]);
            }
        }
        return new Result(join(streams, keptLabels.stream().mapToLong(Long::longValue).toArray(), settings.frames(),
                encoders.featureWidth()), kept, r.failures());
    }

    /** The class index of a sample's label; a label outside {@code classes} fails the video, naming it. */
    private static int labelOf(VideoSample s, List<String> classes) {
        int label = DatasetReaders.classIndex(s.label(), classes);
        if (label < 0) {
            throw new IllegalArgumentException("label " + org.ecrl4j.data.AnnotationException.quote(s.label())
                    + " is not one of the " + classes.size() + " classes " + classes);
        }
        return label;
    }

    /** Joins per-video features into one feature set (the pieces of a distributed run, too). */
    public static FeatureSet join(List<Streams> videos, long[] labels, int frames, int width) {
        int per = frames * width;
        float[][] f = {new float[videos.size() * per], new float[videos.size() * per], new float[videos.size() * per]};
        for (int i = 0; i < videos.size(); i++) {
            Streams s = videos.get(i);
            if (s.frames() != frames || s.width() != width) {
                throw new IllegalArgumentException("Video " + i + " has features (T=" + s.frames() + ", d=" + s.width()
                        + "), expected (T=" + frames + ", d=" + width + ")");
            }
            System.arraycopy(s.video(), 0, f[0], i * per, per);
            System.arraycopy(s.foreground(), 0, f[1], i * per, per);
            System.arraycopy(s.background(), 0, f[2], i * per, per);
        }
        return new FeatureSet(f[0], f[1], f[2], labels, frames, width);
    }
}
