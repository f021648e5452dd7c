package org.ecrl4j.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.saliency.SaliencyMethod;
import org.ecrl4j.saliency.SaliencyMethods;
import org.ecrl4j.saliency.ClipSource;
import org.ecrl4j.video.ClipReader;
import org.ecrl4j.video.ClipTransform;
import org.ecrl4j.video.DecodeOptions;
import org.ecrl4j.video.FrameSampler;
import org.ecrl4j.video.RgbFrame;
import org.ecrl4j.video.VideoReader;

/**
 * Decodes a dataset once (evaluation sampling: the centre frame of each of T segments, a centre
 * crop to {@code size x size}) and computes each clip's saliency once, so that every model of a
 * comparison, every split option and every epoch reuse the same work. Bad videos are skipped and
 * listed; nothing else is lost.
 */
public final class ClipStore {
    /** A video that could not be ingested, with the reason. */
    public record Failure(Path video, String reason) {}

    private final List<StoredClip> clips;
    private final List<Failure> failures;
    private final List<String> classes;

    private ClipStore(List<StoredClip> clips, List<Failure> failures, List<String> classes) {
        this.clips = clips;
        this.failures = failures;
        this.classes = classes;
    }

    /**
     * Ingests every sample.
     *
     * @param classes the class names; a sample's label must be one of them
     * @param frames T
     * @param size the square input size
     * @param saliency a saliency method name (one instance per worker thread)
     * @param threads worker threads
     * @param progress receives one line every few percent
     */
    public static ClipStore ingest(List<VideoSample> samples, List<String> classes, int frames, int size,
            String saliency, int threads, Consumer<String> progress) {
        FrameSampler sampler = FrameSampler.segment(frames);
        ClipTransform transform = ClipTransform.square(size);
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            index.put(classes.get(i), i);
        }
        StoredClip[] out = new StoredClip[samples.size()];
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger done = new AtomicInteger();
        ThreadLocal<SaliencyMethod> methods = ThreadLocal.withInitial(() -> SaliencyMethods.create(saliency));
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    VideoSample s = samples.get(k);
                    try {
                        Integer label = index.get(s.label());
                        if (label == null) {
                            throw new IllegalArgumentException("label " + org.ecrl4j.data.AnnotationException.quote(s.label()) + " is not one of the "
                                    + classes.size() + " classes " + classes);
                        }
                        out[k] = load(s, label, sampler, transform, methods.get());
                    } catch (RuntimeException e) {
                        failures.add(new Failure(s.path(), e.getMessage()));
                    }
                    int n = done.incrementAndGet();
                    int step = Math.max(1, samples.size() / 10);
                    if (n % step == 0 || n == samples.size()) {
                        double secs = (System.nanoTime() - start) / 1e9;
                        progress.accept(String.format("ingested %d/%d videos (%.0f s, ETA %.0f s)", n, samples.size(),
                                secs, secs / n * (samples.size() - n)));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("Ingestion stopped: " + e.getMessage(), e);
        } finally {
            pool.shutdown();
        }
        List<StoredClip> clips = new ArrayList<>();
        for (StoredClip c : out) {
            if (c != null) {
                clips.add(c);
            }
        }
        for (Failure f : failures) {
            progress.accept("skipped " + f.video() + ": " + f.reason());
        }
        return new ClipStore(clips, List.copyOf(failures), List.copyOf(classes));
    }

    /**
     * Decodes one video with evaluation sampling and computes its saliency: the per-video work of
     * {@link #ingest}, a pure function of its arguments.
     *
     * @param label the class index stored with the clip
     * @throws RuntimeException (a {@link org.ecrl4j.video.VideoException} or similar) naming the video
     *     when it cannot be decoded
     */
    public static StoredClip load(VideoSample s, int label, FrameSampler sampler, ClipTransform transform,
            SaliencyMethod saliency) {
        int[] idx;
        List<RgbFrame> decoded;
        try (VideoReader reader = VideoReader.open(s.path(), DecodeOptions.DEFAULTS)) {
            idx = ClipReader.indices(reader, s.segment(), sampler, false, 0);
            decoded = reader.read(idx);
        }
        List<RgbFrame> v = transform.frames(decoded, false, 0);
        return new StoredClip(s, label, idx, v,
                saliency.compute(v, new ClipSource(s.path(), idx, transform + ", evaluation")));
    }

    public List<StoredClip> clips() {
        return clips;
    }

    public List<Failure> failures() {
        return failures;
    }

    public List<String> classes() {
        return classes;
    }

    /** The clips of one split, in annotation order. */
    public List<StoredClip> split(String split) {
        List<StoredClip> out = new ArrayList<>();
        for (StoredClip c : clips) {
            if (c.sample().split().equals(split)) {
                out.add(c);
            }
        }
        return out;
    }
}
