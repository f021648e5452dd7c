package org.ecrl4j.synth;

import java.util.Objects;
import org.ecrl4j.video.FrameSampler;

/**
 * The parameters of one benchmark, validated once here (each message names the option and value).
 *
 * @param classes number of classes, even (whole time-reversed pairs), 2 to 10
 * @param perClass train videos per class; the other splits scale with it (defaults at 60)
 * @param size frame side in pixels, even, 16 to 1024
 * @param frames frames per video, at least {@value #SAMPLED_FRAMES} (the number evaluation samples)
 * @param fps frame rate written in the video files
 * @param bgBias probability that a train/val/iid video shows its class's home background
 * @param objBias probability that a train/val/iid video shows its class's home shape
 * @param seed the global seed
 * @param codec the video codec
 * @param hardness what the hard preset adds ({@link Hardness#NONE} for the default preset)
 */
public record SynthConfig(int classes, int perClass, int size, int frames, double fps, double bgBias,
        double objBias, long seed, VideoCodec codec, Hardness hardness) {
    /** Frames evaluation samples per video (BENCHMARK.md: 16 frames, 8 sampled). */
    public static final int SAMPLED_FRAMES = 8;

    public SynthConfig {
        EventClass.first(classes); // validates the class count
        if (perClass < 1) {
            throw new IllegalArgumentException("per-class must be at least 1, got " + perClass);
        }
        if (size < 16 || size > 1024 || size % 2 != 0) {
            throw new IllegalArgumentException("size must be an even number of pixels from 16 to 1024, got " + size);
        }
        if (frames < SAMPLED_FRAMES || frames > 10_000) {
            throw new IllegalArgumentException("frames must be from " + SAMPLED_FRAMES + " to 10000, got " + frames);
        }
        if (!(fps > 0 && fps <= 240)) {
            throw new IllegalArgumentException("fps must be in (0, 240], got " + fps);
        }
        if (!(bgBias >= 0 && bgBias <= 1)) {
            throw new IllegalArgumentException("bg-bias must be in [0, 1], got " + bgBias);
        }
        if (!(objBias >= 0 && objBias <= 1)) {
            throw new IllegalArgumentException("obj-bias must be in [0, 1], got " + objBias);
        }
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(hardness, "hardness");
    }

    /** A configuration of the default preset (nothing of the hard preset added). */
    public SynthConfig(int classes, int perClass, int size, int frames, double fps, double bgBias, double objBias,
            long seed, VideoCodec codec) {
        this(classes, perClass, size, frames, fps, bgBias, objBias, seed, codec, Hardness.NONE);
    }

    /** The frame side of the hard preset. */
    public static final int HARD_SIZE = 64;

    /** The defaults of BENCHMARK.md with the given seed. */
    public static SynthConfig defaults(long seed) {
        return new SynthConfig(6, Split.DEFAULT_PER_CLASS, 48, 16, 8, 0.9, 0.8, seed, VideoCodec.H264);
    }

    /**
     * The hard preset (issue 15): the defaults at {@value #HARD_SIZE}x{@value #HARD_SIZE} with
     * everything of {@link Hardness#HARD}: camera motion, two distractors, a swaying and flickering
     * background, occlusion and several event speeds.
     */
    public static SynthConfig hard(long seed) {
        return new SynthConfig(6, Split.DEFAULT_PER_CLASS, HARD_SIZE, 16, 8, 0.9, 0.8, seed, VideoCodec.H264,
                Hardness.HARD);
    }

    /** The preset of a name: {@code default} or {@code hard}. */
    public static SynthConfig preset(String name, long seed) {
        return switch (name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "default" -> defaults(seed);
            case "hard" -> hard(seed);
            default -> throw new IllegalArgumentException("Unknown preset '" + name + "': use default or hard");
        };
    }

    /** This configuration with another frame size. */
    public SynthConfig withSize(int newSize) {
        return new SynthConfig(classes, perClass, newSize, frames, fps, bgBias, objBias, seed, codec, hardness);
    }

    /** This configuration with other hard-preset switches. */
    public SynthConfig withHardness(Hardness h) {
        return new SynthConfig(classes, perClass, size, frames, fps, bgBias, objBias, seed, codec, h);
    }

    /**
     * The frames evaluation samples: what the project's sampler picks in evaluation
     * ({@code FrameSampler.segment(count)}, the centre frame of each of {@code count} equal segments,
     * {@code floor((i + 1/2) * frames / count)}); for 16 frames and 8 samples, frames 1, 3, ..., 15.
     * The sampler is the source of truth; this delegates to it so the two cannot drift apart.
     */
    public static int[] sampledFrames(int frames, int count) {
        return FrameSampler.segment(count).sample(frames, false, 0);
    }
}
