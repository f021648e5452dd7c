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
     * What a feature file may hold, checked while it is read.
     *
     * @param maxArrayBytes the largest array accepted, as declared (shape x item size); checked
     *     from the header, before anything is allocated
     * @param classes the number of classes when known (a run's classes at evaluation, --classes
     *     at training): labels must be below it; 0 when not known (labels must fit an int)
     */
    public record Limits(long maxArrayBytes, int classes) {
        public Limits {
            if (maxArrayBytes < 1) {
                throw new IllegalArgumentException("--max-array-bytes must be >= 1, got " + maxArrayBytes);
            }
            if (classes < 0) {
                throw new IllegalArgumentException("classes must be >= 0 (0: not known), got " + classes);
            }
        }

        /** {@link Npz#defaultMaxArrayBytes()}, classes not known. */
        public static Limits defaults() {
            return new Limits(Npz.defaultMaxArrayBytes(), 0);
        }

        /** These limits with labels required to be below {@code classes}. */
        public Limits withClasses(int classes) {
            return new Limits(maxArrayBytes, classes);
        }
    }

    /**
     * Reads a feature file with {@link Limits#defaults()}.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    public static FeatureSet load(Path file) throws IOException {
        return load(file, Limits.defaults());
    }

    /**
     * Reads a feature file, checking its arrays and their shapes (from the headers, before any
     * data is read), then that every feature is finite and every label a class index within
     * {@code limits}. Each error is one line naming the file, the array, the first bad index
     * and the fix.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    public static FeatureSet load(Path file, Limits limits) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("Feature file " + file + " does not exist; create it with `ecrl4j extract`"
                    + " or pass the path of an .npz with video, foreground, background and label arrays");
        }
        Map<String, NpyArray> arrays = Npz.read(file, limits.maxArrayBytes(), new ShapeCheck(file));
        for (String key : new String[] {VIDEO, FOREGROUND, BACKGROUND, LABEL}) {
            if (!arrays.containsKey(key)) {
                throw new IOException(file + ": no '" + key + "' array (found " + arrays.keySet()
                        + "); a feature file holds video, foreground, background (N,T,d) and label (N)");
            }
        }
        long[] vShape = arrays.get(VIDEO).shape(); // (N, T, d), checked by ShapeCheck
        float[][] streams = new float[3][];
        String[] names = {VIDEO, FOREGROUND, BACKGROUND};
        for (int s = 0; s < 3; s++) {
            streams[s] = arrays.get(names[s]).toFloatArray();
            requireFinite(file, names[s], arrays.get(names[s]), streams[s], (int) vShape[1], (int) vShape[2]);
        }
        long[] labels = arrays.get(LABEL).toLongArray();
        long bound = limits.classes() > 0 ? limits.classes() : Integer.MAX_VALUE;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= bound) {
                throw new IOException(file + ": array 'label' holds " + labels[i] + " at [" + i + "]; labels must be"
                        + " class indices in [0, " + bound + ")"
                        + (limits.classes() > 0 ? " (" + limits.classes() + " classes)" : "")
                        + ": fix the label of video " + i + " or drop it");
            }
        }
        return new FeatureSet(streams[0], streams[1], streams[2], labels, (int) vShape[1], (int) vShape[2]);
    }

    /** Refuses the first value of {@code values} (read from {@code array}, (N, T, d)) that is not finite. */
    private static void requireFinite(Path file, String name, NpyArray array, float[] values, int frames, int width)
            throws IOException {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                double stored = array.getDouble(i);
                String what = Double.isFinite(stored) ? stored + " at " + index(i, frames, width) + ", beyond float32"
                        : Float.toString(values[i]) + " at " + index(i, frames, width);
                int video = i / (frames * width);
                throw new IOException(file + ": array '" + name + "' holds " + what + "; features must be finite:"
                        + " re-extract them or drop video " + video);
            }
        }
    }

    private static String index(int flat, int frames, int width) {
        return "[" + flat / (frames * width) + ", " + (flat / width) % frames + ", " + flat % width + "]";
    }

    /**
     * The shape contract of a feature file, checked on each member's header before its data is
     * read: video, foreground, background (N, T, d) alike, label (N) integers.
     */
    private static final class ShapeCheck implements Npz.MemberCheck {
        private final Path file;
        private long[] streamShape;
        private String streamKey;
        private long labelCount = -1;

        ShapeCheck(Path file) {
            this.file = file;
        }

        @Override
        public void check(String key, long[] shape, NpyArray.DType dtype, long dataBytes) throws IOException {
            switch (key) {
                case VIDEO, FOREGROUND, BACKGROUND -> {
                    if (shape.length != 3) {
                        throw new IOException(file + ": array '" + key + "' has shape " + Npz.tuple(shape)
                                + ", expected (N, T, d); write the features as videos x frames x width");
                    }
                    if (streamShape == null) {
                        streamShape = shape;
                        streamKey = key;
                    } else if (!java.util.Arrays.equals(streamShape, shape)) {
                        throw new IOException(file + ": array '" + key + "' has shape " + Npz.tuple(shape) + " but '"
                                + streamKey + "' has " + Npz.tuple(streamShape) + "; the three streams must match");
                    }
                    if (labelCount >= 0 && shape[0] != labelCount) {
                        throw labelMismatch(labelCount, shape[0]);
                    }
                }
                case LABEL -> {
                    if (dtype != NpyArray.DType.INT64 && dtype != NpyArray.DType.INT32) {
                        throw new IOException(file + ": array 'label' has dtype " + dtype + ", expected integers;"
                                + " save the labels as int64");
                    }
                    if (shape.length != 1) {
                        throw new IOException(file + ": array 'label' has shape " + Npz.tuple(shape)
                                + ", expected (N,): one class index per video");
                    }
                    if (streamShape != null && shape[0] != streamShape[0]) {
                        throw labelMismatch(shape[0], streamShape[0]);
                    }
                    labelCount = shape[0];
                }
                default -> { } // other arrays are read (within the limit) and ignored
            }
        }

        private IOException labelMismatch(long labels, long videos) {
            return new IOException(file + ": array 'label' holds " + labels + " labels but the feature arrays hold "
                    + videos + " videos; every array must describe the same N videos");
        }
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
