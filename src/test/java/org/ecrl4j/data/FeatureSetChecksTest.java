package org.ecrl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feature files with non-finite values or impossible labels are refused when they are loaded. */
class FeatureSetChecksTest {
    @TempDir Path dir;

    static final int N = 5;
    static final int T = 2;
    static final int D = 20;

    /** A valid feature file's arrays: every value finite, labels 0, 1, 2, 0, 1. */
    static Map<String, NpyArray> arrays(float[] video, float[] background, long[] labels) {
        Map<String, NpyArray> m = new LinkedHashMap<>();
        m.put(FeatureSet.VIDEO, NpyArray.ofFloats(video, N, T, D));
        m.put(FeatureSet.FOREGROUND, NpyArray.ofFloats(ramp(0.5f), N, T, D));
        m.put(FeatureSet.BACKGROUND, NpyArray.ofFloats(background, N, T, D));
        m.put(FeatureSet.LABEL, NpyArray.ofLongs(labels, N));
        return m;
    }

    static float[] ramp(float scale) {
        float[] a = new float[N * T * D];
        for (int i = 0; i < a.length; i++) {
            a[i] = scale * (i % 7);
        }
        return a;
    }

    static long[] labels() {
        return new long[] {0, 1, 2, 0, 1};
    }

    Path write(String name, Map<String, NpyArray> arrays, boolean compressed) throws IOException {
        Path file = dir.resolve(name);
        Npz.write(file, arrays, compressed);
        return file;
    }

    @Test
    void nanFeatureIsRefusedWithItsIndex() throws IOException {
        float[] video = ramp(1);
        video[(3 * T + 0) * D + 17] = Float.NaN;
        Path file = write("test.npz", arrays(video, ramp(2), labels()), true);
        IOException e = assertThrows(IOException.class, () -> FeatureSet.load(file));
        assertEquals(file + ": array 'video' holds NaN at [3, 0, 17]; features must be finite: re-extract them"
                + " or drop video 3", e.getMessage());
    }

    @Test
    void infiniteFeatureIsRefusedWithItsIndex() throws IOException {
        float[] background = ramp(2);
        background[(1 * T + 1) * D + 0] = Float.NEGATIVE_INFINITY;
        Path file = write("inf.npz", arrays(ramp(1), background, labels()), false);
        IOException e = assertThrows(IOException.class, () -> FeatureSet.load(file));
        assertEquals(file + ": array 'background' holds -Infinity at [1, 1, 0]; features must be finite:"
                + " re-extract them or drop video 1", e.getMessage());
    }

    @Test
    void float64BeyondFloat32IsRefusedNotTurnedIntoInfinity() throws IOException {
        double[] video = new double[N * T * D];
        video[(4 * T + 1) * D + 2] = 1e300;
        Map<String, NpyArray> m = arrays(ramp(1), ramp(2), labels());
        m.put(FeatureSet.VIDEO, NpyArray.ofDoubles(video, N, T, D));
        Path file = write("f64.npz", m, false);
        IOException e = assertThrows(IOException.class, () -> FeatureSet.load(file));
        assertEquals(file + ": array 'video' holds 1.0E300 at [4, 1, 2], beyond float32; features must be finite:"
                + " re-extract them or drop video 4", e.getMessage());
    }

    @Test
    void labelBeyondIntRangeIsRefusedNotReadAsZero() throws IOException {
        long[] labels = labels();
        labels[2] = 1L << 40;
        Path file = write("big.npz", arrays(ramp(1), ramp(2), labels), true);
        IOException e = assertThrows(IOException.class, () -> FeatureSet.load(file));
        assertEquals(file + ": array 'label' holds 1099511627776 at [2]; labels must be class indices in"
                + " [0, 2147483647): fix the label of video 2 or drop it", e.getMessage());
    }

    @Test
    void negativeLabelIsRefusedWithItsIndex() throws IOException {
        long[] labels = labels();
        labels[4] = -1;
        Path file = write("neg.npz", arrays(ramp(1), ramp(2), labels), false);
        IOException e = assertThrows(IOException.class, () -> FeatureSet.load(file));
        assertEquals(file + ": array 'label' holds -1 at [4]; labels must be class indices in [0, 2147483647):"
                + " fix the label of video 4 or drop it", e.getMessage());
    }

    @Test
    void labelNotBelowTheKnownClassCountIsRefused() throws IOException {
        Path file = write("ok.npz", arrays(ramp(1), ramp(2), labels()), false);
        assertEquals(N, FeatureSet.load(file, FeatureSet.Limits.defaults()).count());
        assertEquals(N, FeatureSet.load(file, FeatureSet.Limits.defaults().withClasses(3)).count());
        IOException e = assertThrows(IOException.class,
                () -> FeatureSet.load(file, FeatureSet.Limits.defaults().withClasses(2)));
        assertEquals(file + ": array 'label' holds 2 at [2]; labels must be class indices in [0, 2) (2 classes):"
                + " fix the label of video 2 or drop it", e.getMessage());
    }
}
