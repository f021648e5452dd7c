package org.ecrl4j.nn.backbone;

import java.util.SplittableRandom;

/**
 * Clips of two classes that differ only in the direction of motion: a solid square slides left
 * (class 0) or right (class 1) over a random textured background. Colours, sizes, rows and
 * speeds are drawn from the same distributions for both classes, and the start column is drawn so
 * that the set of positions the square visits has the same distribution in both classes; a model
 * that looks at frames one at a time (or pools frames without order) sees the same thing in both.
 *
 * <p>Clips are (N, 3, T, H, W) float32, normalised with MODEL.md section 1.4's mean and std.
 */
final class MovingSquares {
    static final float[] MEAN = {0.486f, 0.457f, 0.407f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};

    final int count;
    final int frames;
    final int size;
    final float[] clips;
    final long[] labels;

    MovingSquares(int count, int frames, int size, long seed) {
        this.count = count;
        this.frames = frames;
        this.size = size;
        clips = new float[count * 3 * frames * size * size];
        labels = new long[count];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            labels[i] = i % 2; // balanced
            render(i, labels[i] == 1 ? 1 : -1, random);
        }
    }

    private MovingSquares(MovingSquares source, float[] clips, long[] labels) {
        this.count = source.count;
        this.frames = source.frames;
        this.size = source.size;
        this.clips = clips;
        this.labels = labels;
    }

    /** The same clips played backwards, with the labels swapped (left becomes right). */
    MovingSquares timeReversed() {
        float[] reversed = new float[clips.length];
        int hw = size * size;
        for (int i = 0; i < count; i++) {
            for (int c = 0; c < 3; c++) {
                for (int t = 0; t < frames; t++) {
                    int from = ((i * 3 + c) * frames + t) * hw;
                    int to = ((i * 3 + c) * frames + (frames - 1 - t)) * hw;
                    System.arraycopy(clips, from, reversed, to, hw);
                }
            }
        }
        long[] swapped = new long[count];
        for (int i = 0; i < count; i++) {
            swapped[i] = 1 - labels[i];
        }
        return new MovingSquares(this, reversed, swapped);
    }

    int clipLength() {
        return 3 * frames * size * size;
    }

    private void render(int clip, int direction, SplittableRandom random) {
        int hw = size * size;
        // Background: random colour tiles of 4x4 pixels plus pixel noise, fixed over the clip.
        float[] background = new float[3 * hw];
        int tile = 4;
        int tilesPerRow = (size + tile - 1) / tile;
        float[] tiles = new float[3 * tilesPerRow * tilesPerRow];
        for (int k = 0; k < tiles.length; k++) {
            tiles[k] = (float) random.nextDouble();
        }
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    float v = tiles[(c * tilesPerRow + y / tile) * tilesPerRow + x / tile];
                    v += (float) (random.nextDouble() - 0.5) * 0.2f;
                    background[c * hw + y * size + x] = Math.min(1f, Math.max(0f, v));
                }
            }
        }
        int side = size / 5 + random.nextInt(size / 8 + 1);
        int speed = Math.max(1, size / 16) + random.nextInt(2);
        int travel = speed * (frames - 1);
        int span = size - side - travel; // range of start columns for a rightward move
        int start = random.nextInt(Math.max(1, span + 1));
        if (direction < 0) {
            start += travel; // a leftward move covers the same columns
        }
        int row = random.nextInt(size - side + 1);
        float[] colour = {(float) random.nextDouble(), (float) random.nextDouble(), (float) random.nextDouble()};
        int base = clip * clipLength();
        int frameStride = hw;
        int channelStride = frames * hw;
        for (int t = 0; t < frames; t++) {
            int left = start + direction * speed * t;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        boolean inside = x >= left && x < left + side && y >= row && y < row + side;
                        float v = inside ? colour[c] : background[c * hw + y * size + x];
                        clips[base + c * channelStride + t * frameStride + y * size + x] = (v - MEAN[c]) / STD[c];
                    }
                }
            }
        }
    }
}
