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

    /**
     * The views of multi-view testing, clip-major (view {@code c * crops + k} is temporal clip c,
     * spatial crop k): each temporal clip ({@link FrameSampler#view}) is decoded once and cropped
     * {@code views.crops()} ways ({@link ClipTransform#viewFrames}). {@link Views#ONE} gives the
     * evaluation clip of {@link #sample}.
     *
     * @throws VideoException when the video cannot be read
     */
    public static List<Sampled> sampleViews(Path path, VideoSample.Segment segment, FrameSampler sampler,
            ClipTransform transform, DecodeOptions decode, Views views) {
        List<Sampled> out = new java.util.ArrayList<>(views.count());
        try (VideoReader reader = VideoReader.open(path, decode)) {
            int[] range = reader.frameRange(segment);
            for (int c = 0; c < views.clips(); c++) {
                int[] idx = sampler.view(range[1] - range[0], c, views.clips());
                for (int i = 0; i < idx.length; i++) {
                    idx[i] += range[0];
                }
                List<RgbFrame> decoded = reader.read(idx);
                for (int k = 0; k < views.crops(); k++) {
                    int crop = k;
                    out.add(new Sampled(path, transform.viewFrames(decoded, crop, views.crops()), idx,
                            transform + ", view " + (c + 1) + "/" + views.clips() + " crop " + (k + 1) + "/"
                                    + views.crops(), images -> transform.viewFrames(images, crop, views.crops())));
                }
            }
        }
        return out;
    }

    /**
     * The decoded candidate frames of a training cache: per segment, the frames of
     * {@link FrameSampler#candidates} (indices into {@code frames}), and the frames themselves, each
     * decoded once, in ascending order.
     *
     * @param frameIndices the decoded frame indices (of the whole video), ascending, one per frame
     * @param frames the decoded frames, at the decoded size
     * @param perSegment for each of the T segments, the positions in {@code frames} of its candidates
     */
    public record Candidates(int[] frameIndices, List<RgbFrame> frames, int[][] perSegment) {}

    /**
     * Decodes the candidate frames of {@link FrameSampler#candidates} ({@code k} per segment).
     *
     * @throws VideoException when the video cannot be read
     */
    public static Candidates candidates(Path path, VideoSample.Segment segment, FrameSampler sampler, int k,
            DecodeOptions decode) {
        try (VideoReader reader = VideoReader.open(path, decode)) {
            int[] range = reader.frameRange(segment);
            int[][] perSegment = sampler.candidates(range[1] - range[0], k);
            java.util.TreeSet<Integer> unique = new java.util.TreeSet<>();
            for (int[] seg : perSegment) {
                for (int f : seg) {
                    unique.add(f + range[0]);
                }
            }
            int[] idx = unique.stream().mapToInt(Integer::intValue).toArray();
            int[][] positions = new int[perSegment.length][];
            for (int i = 0; i < perSegment.length; i++) {
                positions[i] = new int[perSegment[i].length];
                for (int j = 0; j < perSegment[i].length; j++) {
                    positions[i][j] = java.util.Arrays.binarySearch(idx, perSegment[i][j] + range[0]);
                }
            }
            return new Candidates(idx, reader.read(idx), positions);
        }
    }
}
