package org.ecrl4j.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.saliency.SaliencyMethod;
import org.ecrl4j.saliency.SaliencyMethods;
import org.ecrl4j.saliency.ClipSource;
import org.ecrl4j.video.ClipReader;
import org.ecrl4j.video.ClipTransform;
import org.ecrl4j.video.DecodeOptions;
import org.ecrl4j.video.FrameSampler;

/**
 * Decodes a dataset once (evaluation sampling: the centre frame of each of T segments, a centre
 * crop to {@code size x size}) and computes each clip's saliency once, so that every model of a
 * comparison, every split option and every epoch reuse the same work. Bad videos are skipped and
 * listed; nothing else is lost.
 */
public final class ClipStore {
    private final List<StoredClip> clips;
    private final List<DatasetMapper.Failure> failures;
    private final List<String> classes;

    private ClipStore(List<StoredClip> clips, List<DatasetMapper.Failure> failures, List<String> classes) {
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
        DatasetMapper.Result<StoredClip> r = DatasetMapper.map(samples, DatasetMapper.Options.of(threads, "ingested", 10),
                () -> SaliencyMethods.create(saliency), SaliencyMethod::close, (s, k, method) -> {
                    Integer label = index.get(s.label());
                    if (label == null) {
                        throw new IllegalArgumentException("label " + org.ecrl4j.data.AnnotationException.quote(s.label())
                                + " is not one of the " + classes.size() + " classes " + classes);
                    }
                    return load(s, label, sampler, transform, method);
                }, progress);
        List<StoredClip> clips = new ArrayList<>();
        for (StoredClip c : r.outputs()) {
            if (c != null) {
                clips.add(c);
            }
        }
        return new ClipStore(clips, r.failures(), List.copyOf(classes));
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
        ClipReader.Sampled clip = ClipReader.sample(s.path(), s.segment(), sampler, transform, DecodeOptions.DEFAULTS,
                false, 0);
        return new StoredClip(s, label, clip.frameIndices(), clip.frames(), saliency.compute(clip.frames(),
                ClipSource.of(clip)));
    }

    /** This store with every clip replaced by {@code f} of it (the classes and failures kept). */
    public ClipStore map(java.util.function.UnaryOperator<StoredClip> f) {
        List<StoredClip> out = new ArrayList<>(clips.size());
        for (StoredClip c : clips) {
            out.add(f.apply(c));
        }
        return new ClipStore(out, failures, classes);
    }

    public List<StoredClip> clips() {
        return clips;
    }

    public List<DatasetMapper.Failure> failures() {
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
