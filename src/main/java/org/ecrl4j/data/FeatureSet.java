package org.ecrl4j.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cached per-frame features of a set of videos: the feature file of ECRL4J, an {@code .npz} with
 * {@code video}, {@code foreground}, {@code background} float arrays (N, T, d) and {@code label}
 * (N) integers. Arrays are held flat, row-major.
 */
public final class FeatureSet {
    /** The array names in a feature file. */
    public static final String VIDEO = "video";
    public static final String FOREGROUND = "foreground";
    public static final String BACKGROUND = "background";
    public static final String LABEL = "label";

    private final float[] video;
    private final float[] foreground;
    private final float[] background;
    private final long[] labels;
    private final int count;
    private final int frames;
    private final int width;

    public FeatureSet(float[] video, float[] foreground, float[] background, long[] labels, int frames, int width) {
        this.count = labels.length;
        this.frames = frames;
        this.width = width;
        long expected = (long) count * frames * width;
        for (float[] a : new float[][] {video, foreground, background}) {
            if (a.length != expected) {
                throw new IllegalArgumentException("Feature array of " + a.length + " values, expected N*T*d = "
                        + count + "*" + frames + "*" + width);
            }
        }
        this.video = video;
        this.foreground = foreground;
        this.background = background;
        this.labels = labels;
    }

    /**
     * Reads a feature file, checking its arrays and their shapes.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    public static FeatureSet load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("Feature file " + file + " does not exist; create it with `ecrl4j extract`"
                    + " or pass the path of an .npz with video, foreground, background and label arrays");
        }
        Map<String, NpyArray> arrays = Npz.read(file);
        for (String key : new String[] {VIDEO, FOREGROUND, BACKGROUND, LABEL}) {
            if (!arrays.containsKey(key)) {
                throw new IOException(file + ": no '" + key + "' array (found " + arrays.keySet()
                        + "); a feature file holds video, foreground, background (N,T,d) and label (N)");
            }
        }
        long[] vShape = arrays.get(VIDEO).shape();
        if (vShape.length != 3) {
            throw new IOException(file + ": 'video' has shape " + java.util.Arrays.toString(vShape)
                    + ", expected (N, T, d)");
        }
        for (String key : new String[] {FOREGROUND, BACKGROUND}) {
            if (!java.util.Arrays.equals(vShape, arrays.get(key).shape())) {
                throw new IOException(file + ": '" + key + "' has shape "
                        + java.util.Arrays.toString(arrays.get(key).shape()) + " but 'video' has "
                        + java.util.Arrays.toString(vShape) + "; the three streams must match");
            }
        }
        NpyArray label = arrays.get(LABEL);
        if (label.shape().length != 1 || label.shape()[0] != vShape[0]) {
            throw new IOException(file + ": 'label' has shape " + java.util.Arrays.toString(label.shape())
                    + ", expected (" + vShape[0] + ")");
        }
        if (label.dtype() != NpyArray.DType.INT64 && label.dtype() != NpyArray.DType.INT32) {
            throw new IOException(file + ": 'label' has dtype " + label.dtype() + ", expected integers");
        }
        long[] labels = label.toLongArray();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IOException(file + ": label " + labels[i] + " of video " + i + " is negative");
            }
        }
        return new FeatureSet(arrays.get(VIDEO).toFloatArray(), arrays.get(FOREGROUND).toFloatArray(),
                arrays.get(BACKGROUND).toFloatArray(), labels, (int) vShape[1], (int) vShape[2]);
    }

    /** Writes the feature file atomically (uncompressed .npz). */
    public void save(Path file) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put(VIDEO, NpyArray.ofFloats(video, count, frames, width));
        arrays.put(FOREGROUND, NpyArray.ofFloats(foreground, count, frames, width));
        arrays.put(BACKGROUND, NpyArray.ofFloats(background, count, frames, width));
        arrays.put(LABEL, NpyArray.ofLongs(labels, count));
        Npz.write(file, arrays, false);
    }

    public int count() {
        return count;
    }

    public int frames() {
        return frames;
    }

    public int width() {
        return width;
    }

    public long[] labels() {
        return labels.clone();
    }

    /** The largest label plus one. */
    public int classesSeen() {
        long max = -1;
        for (long l : labels) {
            max = Math.max(max, l);
        }
        return (int) max + 1;
    }

    /** The stream by name: video, foreground or background, flat (N*T*d). */
    public float[] stream(String name) {
        return switch (name) {
            case VIDEO -> video;
            case FOREGROUND -> foreground;
            case BACKGROUND -> background;
            default -> throw new IllegalArgumentException("No stream " + name);
        };
    }

    /** Mean over frames of a stream, (N, d). */
    public float[][] pooled(String stream) {
        float[] a = stream(stream);
        float[][] out = new float[count][width];
        for (int i = 0; i < count; i++) {
            for (int t = 0; t < frames; t++) {
                int base = (i * frames + t) * width;
                for (int j = 0; j < width; j++) {
                    out[i][j] += a[base + j] / frames;
                }
            }
        }
        return out;
    }

    /** Every frame of a stream as a row, (N*T, d). */
    public float[][] frameRows(String stream) {
        float[] a = stream(stream);
        float[][] out = new float[count * frames][];
        for (int r = 0; r < out.length; r++) {
            out[r] = java.util.Arrays.copyOfRange(a, r * width, (r + 1) * width);
        }
        return out;
    }

    /**
     * The batch of the given videos as NDList(F_v, F_s, F_c (B,T,d) float32, labels (B) int64).
     */
    public NDList batch(NDManager manager, int[] indices) {
        int b = indices.length;
        int stride = frames * width;
        float[][] parts = {new float[b * stride], new float[b * stride], new float[b * stride]};
        float[][] sources = {video, foreground, background};
        long[] y = new long[b];
        for (int i = 0; i < b; i++) {
            for (int s = 0; s < 3; s++) {
                System.arraycopy(sources[s], indices[i] * stride, parts[s], i * stride, stride);
            }
            y[i] = labels[indices[i]];
        }
        Shape shape = new Shape(b, frames, width);
        NDArray fv = manager.create(parts[0], shape);
        NDArray fs = manager.create(parts[1], shape);
        NDArray fc = manager.create(parts[2], shape);
        NDArray labels = manager.create(y);
        return new NDList(fv, fs, fc, labels);
    }
}
