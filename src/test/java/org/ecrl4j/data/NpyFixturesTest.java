package org.ecrl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads every file of {@code src/test/resources/fixtures/numpy/} (written by NumPy 1.24) and checks it
 * against the values listed in that folder's {@code EXPECTED.txt}.
 */
class NpyFixturesTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/numpy");

    /** The fixture files each test below covers; a new fixture without a test fails. */
    private static final Set<String> COVERED = Set.of(
            "EXPECTED.txt", "f16_4.npy", "f32_20x768.npy", "f32_bigendian_2x3.npy", "f32_fortran_3x5.npy",
            "f32_scalar.npy", "f64_3x4.npy", "features_compressed.npz", "features_uncompressed.npz",
            "i64_labels_10.npy", "object_array.npy", "truncated.npy");

    @Test
    void everyFixtureFileIsCovered() throws IOException {
        Set<String> present = new TreeSet<>();
        try (Stream<Path> s = Files.list(DIR)) {
            s.forEach(p -> present.add(p.getFileName().toString()));
        }
        assertEquals(new TreeSet<>(COVERED), present);
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    @Test
    void float32Matrix() throws IOException {
        NpyArray a = Npy.read(DIR.resolve("f32_20x768.npy"));
        assertEquals(NpyArray.DType.FLOAT32, a.dtype());
        assertArrayEquals(new long[] {20, 768}, a.shape());
        assertEquals(15360, a.size());
        float[] v = a.toFloatArray();
        assertEquals(0.00123015f, v[0], 1e-8);
        assertEquals(0.51320201f, v[v.length - 1], 1e-7);
        assertEquals(-108.133708, sum(a.toDoubleArray()), 1e-3);
        assertEquals(0.51320201, a.getDouble(19, 767), 1e-7);
    }

    @Test
    void float64Matrix() throws IOException {
        NpyArray a = Npy.read(DIR.resolve("f64_3x4.npy"));
        assertEquals(NpyArray.DType.FLOAT64, a.dtype());
        assertArrayEquals(new long[] {3, 4}, a.shape());
        double[] expected = new double[12];
        for (int i = 0; i < 12; i++) {
            expected[i] = i / 8.0;
        }
        assertArrayEquals(expected, a.toDoubleArray(), 0.0);
    }

    @Test
    void int64Labels() throws IOException {
        NpyArray a = Npy.read(DIR.resolve("i64_labels_10.npy"));
        assertEquals(NpyArray.DType.INT64, a.dtype());
        assertArrayEquals(new long[] {10}, a.shape());
        long[] expected = new long[10];
        for (int i = 0; i < 10; i++) {
            expected[i] = i * 3L - 5;
        }
        assertArrayEquals(expected, a.toLongArray());
        assertArrayEquals(new int[] {-5, -2, 1, 4, 7, 10, 13, 16, 19, 22}, a.toIntArray());
    }

    @Test
    void fortranOrderIsReturnedInCOrder() throws IOException {
        NpyArray a = Npy.read(DIR.resolve("f32_fortran_3x5.npy"));
        assertArrayEquals(new long[] {3, 5}, a.shape());
        assertEquals(7.0, a.getDouble(1, 2), 0.0);
        float[] expected = new float[15];
        for (int i = 0; i < 15; i++) {
            expected[i] = i;
        }
        assertArrayEquals(expected, a.toFloatArray(), 0f);
    }

    @Test
    void bigEndian() throws IOException {
        NpyArray a = Npy.read(DIR.resolve("f32_bigendian_2x3.npy"));
        assertEquals(NpyArray.DType.FLOAT32, a.dtype());
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, a.toFloatArray(), 0f);
    }

    @Test
    void float16IncludingMaxValue() throws IOException {
        NpyArray a = Npy.read(DIR.resolve("f16_4.npy"));
        assertEquals(NpyArray.DType.FLOAT16, a.dtype());
        assertArrayEquals(new long[] {4}, a.shape());
        assertArrayEquals(new float[] {0.5f, -1.25f, 2.0f, 65504.0f}, a.toFloatArray(), 0f);
    }

    @Test
    void zeroDimensionalScalar() throws IOException {
        NpyArray a = Npy.read(DIR.resolve("f32_scalar.npy"));
        assertEquals(0, a.shape().length);
        assertEquals(1, a.size());
        assertArrayEquals(new float[] {3.5f}, a.toFloatArray(), 0f);
        assertEquals(3.5, a.getDouble(), 0.0);
    }

    @Test
    void objectArrayIsRefusedNamingTheFile() {
        Path f = DIR.resolve("object_array.npy");
        IOException e = assertThrows(IOException.class, () -> Npy.read(f));
        assertEquals(f + ": dtype object ('|O') holds pickled Python objects and is refused;"
                + " save numeric arrays (np.save with a numeric dtype)", e.getMessage());
    }

    @Test
    void truncatedFileIsRefusedWithByteCounts() throws IOException {
        Path f = DIR.resolve("truncated.npy");
        long follow = Files.size(f) - 128; // the fixture's preamble is 128 bytes
        IOException e = assertThrows(IOException.class, () -> Npy.read(f));
        assertEquals(f + ": truncated: header declares 15360 float32 values (61440 bytes) but only " + follow
                + " bytes follow; re-export the file", e.getMessage());
        // the same when the length is not known in advance (stream reading)
        try (var in = Files.newInputStream(f)) {
            IOException e2 = assertThrows(IOException.class, () -> Npy.read(in, "stream.npy"));
            assertTrue(e2.getMessage().startsWith("stream.npy: truncated: header declares 15360 float32 values"
                    + " (61440 bytes) but only " + follow + " bytes follow"), e2.getMessage());
        }
    }

    @Test
    void npzCompressedAndUncompressedHoldTheExpectedArrays() throws IOException {
        Map<String, NpyArray> c = Npz.read(DIR.resolve("features_compressed.npz"));
        Map<String, NpyArray> u = Npz.read(DIR.resolve("features_uncompressed.npz"));
        for (Map<String, NpyArray> m : List.of(c, u)) {
            assertEquals(List.of("video", "foreground", "background", "label"), new ArrayList<>(m.keySet()));
            assertFeature(m.get("video"), 13.653953);
            assertFeature(m.get("foreground"), 21.771081);
            assertFeature(m.get("background"), -51.317370);
            NpyArray label = m.get("label");
            assertEquals(NpyArray.DType.INT64, label.dtype());
            assertArrayEquals(new long[] {2}, label.shape());
            assertEquals(4L, label.toLongArray()[0] + label.toLongArray()[1]);
        }
        assertEquals(c, u);
    }

    private static void assertFeature(NpyArray a, double expectedSum) {
        assertEquals(NpyArray.DType.FLOAT32, a.dtype());
        assertArrayEquals(new long[] {2, 8, 16}, a.shape());
        assertEquals(expectedSum, sum(a.toDoubleArray()), 1e-4);
    }

    /** Writing what we read reproduces NumPy's bytes exactly, for each little-endian C-order file. */
    @Test
    void writtenFilesAreByteIdenticalToNumpys() throws IOException {
        for (String name : List.of("f16_4.npy", "f32_20x768.npy", "f32_scalar.npy", "f64_3x4.npy",
                "i64_labels_10.npy")) {
            byte[] original = Files.readAllBytes(DIR.resolve(name));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Npy.write(out, Npy.read(DIR.resolve(name)));
            assertArrayEquals(original, out.toByteArray(), name);
        }
    }

    @Test
    void npzMembersAreTheNpyBytesNumpyWrote(@TempDir Path tmp) throws IOException {
        Map<String, NpyArray> arrays = Npz.read(DIR.resolve("features_uncompressed.npz"));
        Path copy = tmp.resolve("copy.npz");
        Npz.write(copy, arrays, false);
        try (var ours = new java.util.zip.ZipFile(copy.toFile());
                var theirs = new java.util.zip.ZipFile(DIR.resolve("features_uncompressed.npz").toFile())) {
            for (String key : arrays.keySet()) {
                byte[] a = ours.getInputStream(ours.getEntry(key + ".npy")).readAllBytes();
                byte[] b = theirs.getInputStream(theirs.getEntry(key + ".npy")).readAllBytes();
                assertArrayEquals(b, a, key);
            }
        }
        assertFalse(arrays.isEmpty());
    }
}
