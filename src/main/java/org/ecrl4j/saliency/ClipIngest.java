package org.ecrl4j.saliency;

import java.nio.file.Path;
import java.util.List;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.video.ClipReader;
import org.ecrl4j.video.ClipTransform;
import org.ecrl4j.video.DecodeOptions;
import org.ecrl4j.video.FrameSampler;
import org.ecrl4j.video.RgbFrame;

/**
 * From a video file to the three streams V, S, C of MODEL.md section 1: sample T frame indices,
 * decode them, bring them to the input size ({@link ClipTransform}: resize, crop, flip in
 * training), compute the saliency of those input-size frames over the clip, and split. Saliency is
 * computed after the geometric transform, so the maps, boxes and masks are in V's coordinates and
 * a flip or crop cannot disagree between V and the maps.
 */
public final class ClipIngest {
    /**
     * How a clip is ingested.
     *
     * @param sampler which frames
     * @param transform from decoded frames to the input size
     * @param split the foreground/background split
     * @param decode decoding options
     */
    public record Options(FrameSampler sampler, ClipTransform transform, SplitOptions split, DecodeOptions decode) {
        public Options {
            if (sampler == null || transform == null || split == null || decode == null) {
                throw new IllegalArgumentException("Ingest options need a sampler, a transform, split options and decode options");
            }
        }

        /** T frames by segment sampling, a {@code size x size} input, the given split. */
        public static Options of(int frames, int size, SplitOptions split) {
            return new Options(FrameSampler.segment(frames), ClipTransform.square(size), split, DecodeOptions.DEFAULTS);
        }
    }

    /**
     * One ingested clip.
     *
     * @param video the file or frame folder
     * @param frameIndices the decoded frame indices, in clip order
     * @param split V, S, C, the maps, masks and boxes
     */
    public record Result(Path video, int[] frameIndices, SplitClip split) {
        public Result {
            frameIndices = frameIndices.clone();
        }

        @Override
        public int[] frameIndices() {
            return frameIndices.clone();
        }
    }

    private final Options options;
    private final SaliencyMethod method;
    private final ForegroundBackgroundSplit splitter;

    /** An ingest with a saliency method owned by the caller. */
    public ClipIngest(Options options, SaliencyMethod method) {
        this.options = options;
        this.method = method;
        this.splitter = new ForegroundBackgroundSplit(options.split());
    }

    /**
     * Ingests one video.
     *
     * @param segment the time segment, or {@code null} for the whole video
     * @param training random frames, crop and flip when true; segment centres and a centre crop
     *     otherwise
     * @param seed fixes every random choice
     * @throws org.ecrl4j.video.VideoException when the video cannot be read
     */
    public Result ingest(Path video, VideoSample.Segment segment, boolean training, long seed) {
        Clip clip = read(options, video, segment, training, seed);
        return new Result(video, clip.source().frameIndices(), splitter.split(clip.frames(), method, clip.source()));
    }

    /**
     * V of one clip and where it came from, before saliency: what {@link #ingest} splits.
     *
     * @param frames V, T frames of the input size
     * @param source the video, the decoded frame indices and the geometric transform that took the
     *     decoded frames to V (the same crop and flip, for a method that reads its own images)
     */
    public record Clip(List<RgbFrame> frames, ClipSource source) {
        public Clip {
            frames = List.copyOf(frames);
        }
    }

    /**
     * Samples, decodes and transforms one clip, as {@link #ingest} does before computing saliency,
     * so that several saliency methods can be run on one decode.
     *
     * @throws org.ecrl4j.video.VideoException when the video cannot be read
     */
    public static Clip read(Options options, Path video, VideoSample.Segment segment, boolean training, long seed) {
        ClipReader.Sampled clip = ClipReader.sample(video, segment, options.sampler(), options.transform(), options.decode(),
                training, seed);
        return new Clip(clip.frames(), ClipSource.of(clip));
    }
}
