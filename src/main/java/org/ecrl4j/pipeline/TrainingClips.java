package org.ecrl4j.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.saliency.ClipSource;
import org.ecrl4j.saliency.SaliencyMap;
import org.ecrl4j.saliency.SaliencyMethod;
import org.ecrl4j.saliency.SaliencyMethods;
import org.ecrl4j.video.ClipReader;
import org.ecrl4j.video.ClipTransform;
import org.ecrl4j.video.CropWindow;
import org.ecrl4j.video.DecodeOptions;
import org.ecrl4j.video.Frames;
import org.ecrl4j.video.FrameSampler;
import org.ecrl4j.video.RgbFrame;

/**
 * The clips that training sees, epoch by epoch (MODEL.md section 1.1: one random frame per segment
 * in training). Without augmentation every epoch sees each video's evaluation clip (segment
 * centres, centre crop: the {@link StoredClip} of {@link ClipStore}). With augmentation, video i
 * in epoch e of a run with seed s is drawn from a generator seeded by (s, e, i) only, so a run is
 * reproducible, a resumed run sees what an uninterrupted one saw, and the draw does not depend on
 * the batch order:
 *
 * <ol>
 *   <li>one frame per segment, uniformly among the segment's cached candidates
 *       ({@link FrameSampler#candidates}: every frame of a segment of at most {@code candidates}
 *       frames, otherwise {@code candidates} evenly spread ones);</li>
 *   <li>one random resized crop for the whole clip ({@link CropWindow#randomResized}: area a
 *       fraction in [minArea, 1] of the largest square, aspect ratio in [3/4, 4/3]), resized to the
 *       input size;</li>
 *   <li>a horizontal flip with probability 1/2, only when asked: it turns slide-left into
 *       slide-right, so it is wrong for classes that tell directions apart.</li>
 * </ol>
 *
 * <p>The frame cache: each training video is decoded once, its candidate frames kept at the
 * training scale (shorter side = the input size, uncropped), with their saliency maps computed
 * once over all the candidates (so a motion background is the median of more frames than an
 * evaluation clip has). A drawn clip crops and resizes frames and maps alike; nothing is decoded
 * after the cache is built. A video that cannot be cached keeps its evaluation clip and is listed.
 */
public final class TrainingClips {
    /**
     * Training-time sampling and augmentation.
     *
     * @param enabled false: every epoch sees the evaluation clip
     * @param candidates frames cached per segment, 1 to 64
     * @param minArea the smallest crop area, as a fraction of the largest square, in (0, 1]
     * @param flip mirror the clip with probability 1/2
     */
    public record Augmentation(boolean enabled, int candidates, double minArea, boolean flip) {
        /** Every epoch sees the evaluation clip. */
        public static final Augmentation OFF = new Augmentation(false, 1, 1.0, false);
        /** The default of {@code train --data} and the demo: 4 candidates per segment, area from 0.6, no flip. */
        public static final Augmentation DEFAULT = new Augmentation(true, 4, 0.6, false);

        public Augmentation {
            if (candidates < 1 || candidates > 64) {
                throw new IllegalArgumentException("--frame-cache must be 1 to 64 frames per segment, got " + candidates);
            }
            if (!(minArea > 0 && minArea <= 1)) {
                throw new IllegalArgumentException("--crop-area must be in (0, 1], got " + minArea);
            }
        }

        /** A short description for logs. */
        public String describe() {
            return enabled ? String.format(java.util.Locale.ROOT,
                    "random frame per segment (of %d cached), random resized crop (area %.2f-1)%s", candidates, minArea,
                    flip ? ", horizontal flip" : "") : "off (the evaluation clip every epoch)";
        }
    }

    /** One video's cache: candidate frames and maps at the training scale. */
    private record Cached(int[] frameIndices, List<RgbFrame> frames, List<SaliencyMap> saliency, int[][] perSegment) {}

    private final List<StoredClip> clips;
    private final List<Cached> cache;
    private final Augmentation augmentation;
    private final int size;
    private final List<DatasetMapper.Failure> failures;

    private TrainingClips(List<StoredClip> clips, List<Cached> cache, Augmentation augmentation, int size,
            List<DatasetMapper.Failure> failures) {
        this.clips = List.copyOf(clips);
        this.cache = cache;
        this.augmentation = augmentation;
        this.size = size;
        this.failures = failures;
    }

    /** Every epoch sees these clips as they are. */
    public static TrainingClips fixed(List<StoredClip> clips) {
        return new TrainingClips(clips, null, Augmentation.OFF, 0, List.of());
    }

    /**
     * The training clips of {@code clips} under {@code augmentation}: builds the frame cache when it
     * is enabled (decoding each video once more), else {@link #fixed}.
     *
     * @param clips the evaluation clips of the training videos (labels, samples)
     * @param frames T
     * @param size the square input size
     * @param saliency a saliency method name (one instance per worker thread)
     * @param threads worker threads
     * @param progress receives progress lines and one line per video that could not be cached
     */
    public static TrainingClips of(List<StoredClip> clips, Augmentation augmentation, int frames, int size,
            String saliency, int threads, Consumer<String> progress) {
        return of(clips, augmentation, frames, size, () -> SaliencyMethods.create(saliency), threads, progress);
    }

    /** {@link #of(List, Augmentation, int, int, String, int, Consumer)} with the saliency method's factory. */
    public static TrainingClips of(List<StoredClip> clips, Augmentation augmentation, int frames, int size,
            java.util.function.Supplier<SaliencyMethod> saliency, int threads, Consumer<String> progress) {
        if (!augmentation.enabled()) {
            return fixed(clips);
        }
        FrameSampler sampler = FrameSampler.segment(frames);
        List<VideoSample> samples = new ArrayList<>(clips.size());
        for (StoredClip c : clips) {
            samples.add(c.sample());
        }
        DatasetMapper.Result<Cached> r = DatasetMapper.map(samples, DatasetMapper.Options.of(threads, "cached", 5),
                saliency, SaliencyMethod::close,
                (s, k, method) -> load(s, sampler, augmentation.candidates(), size, method), progress);
        return new TrainingClips(clips, r.outputs(), augmentation, size, r.failures());
    }

    /** Decodes one video's candidates, resizes them to the training scale and computes their saliency. */
    private static Cached load(VideoSample s, FrameSampler sampler, int k, int size, SaliencyMethod method) {
        ClipReader.Candidates c = ClipReader.candidates(s.path(), s.segment(), sampler, k, DecodeOptions.DEFAULTS);
        List<RgbFrame> frames = ClipTransform.resizeShorterSide(c.frames(), size);
        List<SaliencyMap> maps = method.compute(frames, new ClipSource(s.path(), c.frameIndices(),
                "shorter side resized to " + size + " (training cache)", images -> ClipTransform.resizeShorterSide(images,
                        size)));
        return new Cached(c.frameIndices(), frames, maps, c.perSegment());
    }

    /** The number of training videos. */
    public int size() {
        return clips.size();
    }

    /** Video i's evaluation clip (its label and annotation row). */
    public StoredClip evaluationClip(int i) {
        return clips.get(i);
    }

    /** The evaluation clips, in order. */
    public List<StoredClip> evaluationClips() {
        return clips;
    }

    /** Whether clips change from epoch to epoch (false: {@link #clip} is always the evaluation clip). */
    public boolean varies() {
        return cache != null;
    }

    public Augmentation augmentation() {
        return augmentation;
    }

    /** The videos that could not be cached (they train on their evaluation clip). */
    public List<DatasetMapper.Failure> failures() {
        return failures;
    }

    /** Bytes held by the frame cache (frames and saliency maps). */
    public long cacheBytes() {
        long bytes = 0;
        if (cache != null) {
            for (Cached c : cache) {
                if (c != null) {
                    for (RgbFrame f : c.frames()) {
                        bytes += f.pixels().length;
                    }
                    for (SaliencyMap m : c.saliency()) {
                        bytes += m.values().length;
                    }
                }
            }
        }
        return bytes;
    }

    /**
     * Video i as epoch {@code epoch} of a run with seed {@code seed} sees it: a pure function of
     * (seed, epoch, i).
     */
    public StoredClip clip(int i, long seed, int epoch) {
        Cached c = cache == null ? null : cache.get(i);
        StoredClip eval = clips.get(i);
        if (c == null) {
            return eval;
        }
        SplittableRandom rng = new SplittableRandom(mix(seed, epoch, i));
        int t = c.perSegment().length;
        int[] picked = new int[t];
        for (int s = 0; s < t; s++) {
            int[] seg = c.perSegment()[s];
            picked[s] = seg[rng.nextInt(seg.length)];
        }
        RgbFrame first = c.frames().get(0);
        int w = first.width();
        int h = first.height();
        CropWindow window = CropWindow.randomResized(w, h, augmentation.minArea(), rng);
        boolean flip = augmentation.flip() && rng.nextBoolean();
        int[] indices = new int[t];
        List<RgbFrame> frames = new ArrayList<>(t);
        List<SaliencyMap> maps = new ArrayList<>(t);
        for (int s = 0; s < t; s++) {
            int p = picked[s];
            indices[s] = c.frameIndices()[p];
            RgbFrame f = window.apply(c.frames().get(p), size, size);
            byte[] m = window.applyGray(c.saliency().get(p).values(), w, h, size, size);
            if (flip) {
                f = Frames.flipHorizontal(f);
                m = flipGray(m, size, size);
            }
            frames.add(f);
            maps.add(new SaliencyMap(size, size, m));
        }
        return new StoredClip(eval.sample(), eval.label(), indices, frames, maps);
    }

    /** The generator seed of (seed, epoch, video): distinct triples give unrelated streams. */
    static long mix(long seed, int epoch, int video) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch;
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + video;
        return h ^ (h >>> 29);
    }

    private static byte[] flipGray(byte[] values, int w, int h) {
        byte[] out = new byte[values.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + (w - 1 - x)] = values[y * w + x];
            }
        }
        return out;
    }
}
