package org.ecrl4j.video;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Pure arithmetic that turns a video's frame count into the indices of the T frames of a clip (no
 * I/O; MODEL.md section 1.1). Indices are in presentation order and ascending; a video with fewer
 * frames than T repeats frames. Randomness (segment sampling in training) comes only from the seed.
 *
 * <ul>
 *   <li>{@code SEGMENT}: segment i covers frames [i n / T, (i + 1) n / T); training draws a frame
 *       uniformly inside it, evaluation takes floor((i + 1/2) n / T).
 *   <li>{@code UNIFORM}: round(i (n - 1) / (T - 1)), first and last frame included.
 *   <li>{@code FIXED}: position k of a grid of G frames is frame round(k (n - 1) / (G - 1)), so with
 *       n = G the indices are used as given.
 * </ul>
 *
 * @param mode the sampling mode
 * @param frames T, the number of frames of a clip (for {@code FIXED}: the number of indices)
 * @param fixedGrid G, the grid size of {@code FIXED} (0 for the other modes)
 * @param fixedIndices the grid positions of {@code FIXED} (empty for the other modes)
 */
public record FrameSampler(SamplingMode mode, int frames, int fixedGrid, int[] fixedIndices) {
    /** The reference implementation's fixed positions: 0,4,8,12,16,20,24,29 of 30. */
    public static final int[] REFERENCE_INDICES = {0, 4, 8, 12, 16, 20, 24, 29};

    public FrameSampler {
        if (mode == null) {
            throw new IllegalArgumentException("Sampling mode is required");
        }
        fixedIndices = fixedIndices == null ? new int[0] : fixedIndices.clone();
        if (mode == SamplingMode.FIXED) {
            if (fixedGrid < 1 || fixedIndices.length == 0) {
                throw new IllegalArgumentException("Fixed sampling needs a grid size >= 1 and at least one index, got grid "
                        + fixedGrid + " and " + fixedIndices.length + " indices");
            }
            for (int k : fixedIndices) {
                if (k < 0 || k >= fixedGrid) {
                    throw new IllegalArgumentException("Fixed index " + k + " outside the grid [0, " + fixedGrid + ")");
                }
            }
            frames = fixedIndices.length;
        } else if (frames < 1) {
            throw new IllegalArgumentException("Frames per clip (T) must be >= 1, got " + frames);
        }
    }

    /** Segment sampling of T frames. */
    public static FrameSampler segment(int t) {
        return new FrameSampler(SamplingMode.SEGMENT, t, 0, null);
    }

    /** Uniform sampling of T frames. */
    public static FrameSampler uniform(int t) {
        return new FrameSampler(SamplingMode.UNIFORM, t, 0, null);
    }

    /** Fixed positions on a grid of {@code grid} frames. */
    public static FrameSampler fixed(int grid, int... indices) {
        return new FrameSampler(SamplingMode.FIXED, indices.length, grid, indices);
    }

    /** The reference's fixed sampling: {@link #REFERENCE_INDICES} of a 30-frame grid. */
    public static FrameSampler reference() {
        return fixed(30, REFERENCE_INDICES);
    }

    /** A sampler of {@code mode} with T frames; {@code FIXED} gets the reference's positions. */
    public static FrameSampler of(SamplingMode mode, int t) {
        return switch (mode) {
            case SEGMENT -> segment(t);
            case UNIFORM -> uniform(t);
            case FIXED -> reference();
        };
    }

    @Override
    public int[] fixedIndices() {
        return fixedIndices.clone();
    }

    /**
     * The frame indices of one clip.
     *
     * @param frameCount n, the number of frames of the video (or of its segment), >= 1
     * @param training whether to draw at random (only {@code SEGMENT} uses it)
     * @param seed the seed of the draw
     * @return T indices in [0, n), ascending
     */
    public int[] sample(int frameCount, boolean training, long seed) {
        if (frameCount < 1) {
            throw new IllegalArgumentException("A video needs at least one frame to sample, got " + frameCount);
        }
        long n = frameCount;
        int t = frames;
        int[] out = new int[t];
        switch (mode) {
            case SEGMENT -> {
                SplittableRandom rng = training ? new SplittableRandom(seed) : null;
                for (int i = 0; i < t; i++) {
                    if (rng == null) {
                        out[i] = (int) ((2 * i + 1) * n / (2L * t));
                    } else {
                        double start = (double) i * n / t;
                        double end = (double) (i + 1) * n / t;
                        out[i] = (int) Math.min(n - 1, Math.floor(start + rng.nextDouble() * (end - start)));
                    }
                }
            }
            case UNIFORM -> {
                for (int i = 0; i < t; i++) {
                    out[i] = t == 1 ? (int) ((n - 1) / 2) : (int) Math.round((double) i * (n - 1) / (t - 1));
                }
            }
            case FIXED -> {
                for (int i = 0; i < t; i++) {
                    int k = fixedIndices[i];
                    out[i] = fixedGrid == 1 ? 0 : (int) Math.round((double) k * (n - 1) / (fixedGrid - 1));
                }
            }
        }
        return out;
    }

    /**
     * The frames of temporal view {@code clip} of {@code clips} (multi-view testing, MMAction2's
     * {@code test_mode} sampling with several clips): in segment i of T, the frame at fraction
     * (clip + 1/2) / clips of the segment, floor((i + (clip + 1/2) / clips) n / T). With one clip this
     * is the evaluation clip of {@link #sample} (segment centres).
     *
     * @throws IllegalArgumentException for more than one clip with a mode other than {@code SEGMENT}
     */
    public int[] view(int frameCount, int clip, int clips) {
        if (clips < 1 || clip < 0 || clip >= clips) {
            throw new IllegalArgumentException("Temporal view " + clip + " of " + clips + " does not exist");
        }
        if (clips == 1) {
            return sample(frameCount, false, 0);
        }
        if (mode != SamplingMode.SEGMENT) {
            throw new IllegalArgumentException("Several temporal views need segment sampling, not " + this);
        }
        if (frameCount < 1) {
            throw new IllegalArgumentException("A video needs at least one frame to sample, got " + frameCount);
        }
        long n = frameCount;
        int t = frames;
        int[] out = new int[t];
        for (int i = 0; i < t; i++) {
            out[i] = (int) Math.min(n - 1, (2L * clips * i + 2L * clip + 1) * n / (2L * clips * t));
        }
        return out;
    }

    /**
     * The candidate frames of each segment that a training cache keeps (segment sampling from a
     * cache): segment i covers [floor(i n / T), floor((i + 1) n / T)) (at least one frame), and keeps
     * min(k, its length) frames evenly spread inside it, at fractions (j + 1/2) / k. A segment no
     * longer than k keeps all its frames, so drawing one candidate uniformly is exactly segment
     * sampling; a longer one keeps a representative k. Other modes have one candidate per segment:
     * their evaluation frame.
     *
     * @param k candidates per segment, >= 1
     * @return T arrays of ascending frame indices in [0, n)
     */
    public int[][] candidates(int frameCount, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("Candidate frames per segment must be >= 1, got " + k);
        }
        if (frameCount < 1) {
            throw new IllegalArgumentException("A video needs at least one frame to sample, got " + frameCount);
        }
        int t = frames;
        int[][] out = new int[t][];
        if (mode != SamplingMode.SEGMENT) {
            int[] eval = sample(frameCount, false, 0);
            for (int i = 0; i < t; i++) {
                out[i] = new int[] {eval[i]};
            }
            return out;
        }
        long n = frameCount;
        for (int i = 0; i < t; i++) {
            int start = (int) Math.min(n - 1, i * n / t);
            int end = (int) Math.max(start + 1, (i + 1) * n / t);
            int len = end - start;
            int m = Math.min(k, len);
            out[i] = new int[m];
            for (int j = 0; j < m; j++) {
                out[i][j] = start + (int) ((2L * j + 1) * len / (2L * m));
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameSampler s && s.mode == mode && s.frames == frames && s.fixedGrid == fixedGrid
                && Arrays.equals(s.fixedIndices, fixedIndices);
    }

    @Override
    public int hashCode() {
        return (mode.hashCode() * 31 + frames) * 31 + fixedGrid + Arrays.hashCode(fixedIndices);
    }

    @Override
    public String toString() {
        return mode == SamplingMode.FIXED
                ? "fixed" + Arrays.toString(fixedIndices) + "/" + fixedGrid
                : mode.name().toLowerCase(java.util.Locale.ROOT) + "(" + frames + ")";
    }
}
