package org.ecrl4j.video;

import java.nio.file.Path;
import java.util.List;
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
}
