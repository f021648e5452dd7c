package org.ecrl4j.video;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.ecrl4j.data.VideoSample;

/**
 * Joins the decoder and the sampler: opens a video, restricts it to a time segment, samples T frame
 * indices and decodes them.
 */
public final class ClipReader {
    private ClipReader() {}

    /**
     * The sampled frames of one video.
     *
     * @param path a video file or frame folder
     * @param segment the time segment to sample from, or {@code null} for the whole video
     * @param sampler which frames
     * @param training whether to sample at random
     * @param seed the seed of that draw
     * @param options decoding options
     * @throws VideoException when the video cannot be read
     */
    public static List<RgbFrame> read(Path path, VideoSample.Segment segment, FrameSampler sampler, boolean training,
            long seed, DecodeOptions options) {
        try (VideoReader reader = VideoReader.open(path, options)) {
            return read(reader, segment, sampler, training, seed);
        }
    }

    /** The sampled frames of an open video; see {@link #read(Path, VideoSample.Segment, FrameSampler, boolean, long, DecodeOptions)}. */
    public static List<RgbFrame> read(VideoReader reader, VideoSample.Segment segment, FrameSampler sampler,
            boolean training, long seed) {
        return reader.read(indices(reader, segment, sampler, training, seed));
    }

    /** The frame indices (of the whole video) that {@link #read} decodes. */
    public static int[] indices(VideoReader reader, VideoSample.Segment segment, FrameSampler sampler, boolean training,
            long seed) {
        int[] range = reader.frameRange(segment);
        int[] idx = sampler.sample(range[1] - range[0], training, seed);
        for (int i = 0; i < idx.length; i++) {
            idx[i] += range[0];
        }
        return idx;
    }

    /**
     * One clip as the model sees it, immutable: V (T frames of the input size), the decoded frame
     * indices, and the geometric transform that took the decoded frames to V (for whatever must be
     * aligned with V: saliency read from other images, masks).
     *
     * @param video the file or frame folder
     * @param frames V, T frames of the input size
     * @param frameIndices the decoded frame indices, in clip order
     * @param transform a description of the transform (for messages)
     * @param geometry the transform itself, from decoded-size images to V's frames
     */
    public record Sampled(Path video, List<RgbFrame> frames, int[] frameIndices, String transform,
            UnaryOperator<List<RgbFrame>> geometry) {
        public Sampled {
            frames = List.copyOf(frames);
            frameIndices = frameIndices.clone();
        }

        @Override
        public int[] frameIndices() {
            return frameIndices.clone();
        }
    }

    /**
     * Decodes, samples and transforms one clip: the one clip loader of ingestion, feature extraction,
     * evaluation and the report.
     *
     * @param training random frames, crop and flip when true; segment centres and a centre crop otherwise
     * @param seed fixes every random choice
     * @throws VideoException when the video cannot be read
     */
    public static Sampled sample(Path path, VideoSample.Segment segment, FrameSampler sampler, ClipTransform transform,
            DecodeOptions decode, boolean training, long seed) {
        int[] idx;
        List<RgbFrame> decoded;
        try (VideoReader reader = VideoReader.open(path, decode)) {
            idx = indices(reader, segment, sampler, training, seed);
            decoded = reader.read(idx);
        }
        return new Sampled(path, transform.frames(decoded, training, seed), idx,
                transform + (training ? ", training" : ", evaluation"), images -> transform.frames(images, training, seed));
    }
}
