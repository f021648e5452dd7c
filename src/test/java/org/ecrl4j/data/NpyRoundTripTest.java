package org.ecrl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Write-then-read round trips, hand-built files for the cases NumPy fixtures do not cover, and errors. */
class NpyRoundTripTest {

    /** One array of every dtype, random values, with the given shape. */
    static List<NpyArray> everyDtype(long seed, long... shape) {
        int n = NpyArray.checkedSize(shape);
        SplittableRandom r = new SplittableRandom(seed);
        float[] f = new float[n];
        double[] d = new double[n];
        int[] i = new int[n];
        long[] l = new long[n];
        for (int k = 0; k < n; k++) {
            f[k] = (float) r.nextGaussian();
            d[k] = r.nextGaussian() * 1e6;
            i[k] = r.nextInt();
            l[k] = r.nextLong();
        }
        return List.of(NpyArray.ofFloatsAsHalf(f, shape), NpyArray.ofFloats(f, shape), NpyArray.ofDoubles(d, shape),
                NpyArray.ofInts(i, shape), NpyArray.ofLongs(l, shape));
    }

    static final long[][] SHAPES = {{}, {1}, {7}, {3, 5}, {2, 3, 4}, {0, 5}, {2, 1, 3, 1, 2}};

    @Test
    void everyDtypeAndShapeRoundTripsThroughAFile(@TempDir Path tmp) throws IOException {
        int count = 0;
        for (long[] shape : SHAPES) {
            for (NpyArray a : everyDtype(shape.length, shape)) {
                Path f = tmp.resolve(a.dtype() + "_" + shape.length + ".npy");
                Npy.write(f, a);
                NpyArray b = Npy.read(f);
                assertEquals(a, b, a + " " + f);
                assertEquals(a.dtype(), b.dtype());
                assertArrayEquals(a.shape(), b.shape());
                assertEquals(Files.size(f), Npy.header(a).length + (long) a.size() * a.dtype().itemSize());
                count++;
            }
        }
        assertEquals(SHAPES.length * 5, count);
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files left");
        }
    }

    @Test
    void headerHasNumpysLayout() {
        for (long[] shape : SHAPES) {
            for (NpyArray a : everyDtype(1, shape)) {
                byte[] h = Npy.header(a);
                assertEquals(0, h.length % 64, "header length " + h.length);
                assertEquals('\n', h[h.length - 1]);
                assertArrayEquals(Npy.MAGIC, java.util.Arrays.copyOf(h, 6));
                assertEquals(1, h[6]);
                assertEquals(0, h[7]);
                int len = (h[8] & 0xff) | (h[9] & 0xff) << 8;
                assertEquals(h.length - 10, len);
                String text = new String(h, 10, len, StandardCharsets.ISO_8859_1);
                assertTrue(text.startsWith("{'descr': '" + a.dtype().numpyDescr() + "', 'fortran_order': False, 'shape': ("),
                        text);
            }
        }
        assertTrue(new String(Npy.header(NpyArray.ofInts(new int[3], 3)), StandardCharsets.ISO_8859_1)
                .contains("'shape': (3,), }"));
        assertTrue(new String(Npy.header(NpyArray.ofInts(new int[1])), StandardCharsets.ISO_8859_1)
                .contains("'shape': (), }"));
    }

    @Test
    void streamRoundTripLeavesFollowingBytesUnread() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NpyArray a = NpyArray.ofDoubles(new double[] {1.5, -2.25, 3}, 3);
        NpyArray b = NpyArray.ofLongs(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE, 42}, 2, 2);
        Npy.write(out, a);
        Npy.write(out, b);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(a, Npy.read(in, "first"));
        assertEquals(b, Npy.read(in, "second"));
        assertEquals(-1, in.read());
    }

    /** A .npy file built byte by byte, for the layouts NumPy's fixtures do not include. */
    static byte[] npy(int major, String header, byte[] data) {
        byte[] text = (header + "\n").getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int lenBytes = major == 1 ? 2 : 4;
        ByteBuffer bb = ByteBuffer.allocate(8 + lenBytes + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(Npy.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            bb.putShort((short) text.length);
        } else {
            bb.putInt(text.length);
        }
        return bb.put(text).put(data).array();
    }

    static NpyArray readBytes(byte[] file) throws IOException {
        return Npy.read(new ByteArrayInputStream(file), "test.npy");
    }

    @Test
    void headerVersions2And3() throws IOException {
        byte[] data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(7).putInt(-8).putInt(9).array();
        String h = "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }";
        for (int v : new int[] {1, 2, 3}) {
            NpyArray a = readBytes(npy(v, h, data));
            assertArrayEquals(new int[] {7, -8, 9}, a.toIntArray(), "version " + v);
        }
        IOException e = assertThrows(IOException.class, () -> readBytes(npy(4, h, data)));
        assertTrue(e.getMessage().contains("version 4.0 is not supported"), e.getMessage());
    }

    @Test
    void fortranOrderInThreeDimensions() throws IOException {
        // values 0..23 stored column-major for shape (2, 3, 4): element (i, j, k) holds i + 2j + 6k
        ByteBuffer bb = ByteBuffer.allocate(24 * 8).order(ByteOrder.BIG_ENDIAN);
        for (int f = 0; f < 24; f++) {
            bb.putDouble(f);
        }
        NpyArray a = readBytes(npy(1, "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3, 4), }", bb.array()));
        assertArrayEquals(new long[] {2, 3, 4}, a.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    assertEquals(i + 2 * j + 6 * k, a.getDouble(i, j, k), 0.0, i + "," + j + "," + k);
                }
            }
        }
    }

    @Test
    void bigEndianIntegersAndPython2LongShapes() throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putLong(-3).putLong(1L << 40);
        NpyArray a = readBytes(npy(1, "{'descr': '>i8', 'fortran_order': False, 'shape': (2L,), }", bb.array()));
        assertArrayEquals(new long[] {-3, 1L << 40}, a.toLongArray());
        bb = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(5).putInt(-6);
        NpyArray b = readBytes(npy(1, "{\"descr\": \">i4\", \"fortran_order\": False, \"shape\": (1, 2)}", bb.array()));
        assertArrayEquals(new int[] {5, -6}, b.toIntArray());
    }

    @Test
    void narrowIntegersAndBoolWiden() throws IOException {
        byte[] bytes = {0, 1, (byte) 200, (byte) 255};
        assertArrayEquals(new int[] {0, 1, 200, 255},
                readBytes(npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", bytes)).toIntArray());
        assertArrayEquals(new int[] {0, 1, -56, -1},
                readBytes(npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (4,), }", bytes)).toIntArray());
        NpyArray bool = readBytes(npy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2, 2), }", bytes));
        assertEquals(NpyArray.DType.INT32, bool.dtype());
        assertArrayEquals(new int[] {0, 1, 1, 1}, bool.toIntArray());
        assertArrayEquals(new int[] {0x0100, 0xffc8},
                readBytes(npy(1, "{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }", bytes)).toIntArray());
        assertArrayEquals(new int[] {1, -14081},
                readBytes(npy(1, "{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }", bytes)).toIntArray());
        NpyArray u4 = readBytes(npy(1, "{'descr': '<u4', 'fortran_order': False, 'shape': (1,), }", bytes));
        assertEquals(NpyArray.DType.INT64, u4.dtype());
        assertArrayEquals(new long[] {0xffc80100L}, u4.toLongArray());
        byte[] u8 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array();
        IOException e = assertThrows(IOException.class,
                () -> readBytes(npy(1, "{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", u8)));
        assertTrue(e.getMessage().contains("18446744073709551615"), e.getMessage());
    }

    @Test
    void unsupportedAndMalformedInputGivesOneClearError(@TempDir Path tmp) throws IOException {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", "complex dtype '<c16' is not supported");
        cases.put("{'descr': '<U5', 'fortran_order': False, 'shape': (1,), }", "string dtype '<U5' is not supported");
        cases.put("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "structured dtype");
        cases.put("{'descr': '<f4', 'shape': (1,), }", "key 'fortran_order' missing");
        cases.put("{'descr': '<f4', 'fortran_order': False, 'shape': 7, }", "'shape' must be a tuple");
        cases.put("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "bad dimension -1");
        cases.put("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "malformed .npy header");
        cases.put("{'descr': '<f4', 'fortran_order': Fals, 'shape': (1,), }", "malformed .npy header");
        cases.put("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", "pickled Python objects");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            IOException e = assertThrows(IOException.class, () -> readBytes(npy(1, c.getKey(), new byte[8])), c.getKey());
            assertTrue(e.getMessage().startsWith("test.npy: "), e.getMessage());
            assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
        }
        Path empty = Files.write(tmp.resolve("empty.npy"), new byte[0]);
        IOException e = assertThrows(IOException.class, () -> Npy.read(empty));
        assertEquals(empty + ": not a NumPy .npy file (the file is empty); write it with np.save", e.getMessage());
        Path text = Files.writeString(tmp.resolve("text.npy"), "hello world, not numpy");
        e = assertThrows(IOException.class, () -> Npy.read(text));
        assertTrue(e.getMessage().startsWith(text + ": not a NumPy .npy file"), e.getMessage());
        e = assertThrows(IOException.class, () -> Npy.read(NpyFixturesTest.DIR.resolve("features_compressed.npz")));
        assertTrue(e.getMessage().contains("is a .npz (zip) archive"), e.getMessage());
        e = assertThrows(IOException.class, () -> Npy.read(tmp));
        assertEquals(tmp + ": is a folder, not a .npy file; give the path of a file written by np.save", e.getMessage());
        e = assertThrows(IOException.class, () -> Npz.read(tmp));
        assertTrue(e.getMessage().startsWith(tmp + ": is a folder"), e.getMessage());
        e = assertThrows(IOException.class, () -> Npy.read(tmp.resolve("missing.npy")));
        assertTrue(e.getMessage().contains("missing.npy"), e.getMessage());
        byte[] cutHeader = java.util.Arrays.copyOf(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
                new byte[4]), 30);
        e = assertThrows(IOException.class, () -> readBytes(cutHeader));
        assertTrue(e.getMessage().startsWith("test.npy: truncated: the header declares"), e.getMessage());
    }

    @Test
    void npzRoundTripKeepsOrderAndValuesCompressedOrNot(@TempDir Path tmp) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        List<NpyArray> all = everyDtype(7, 4, 3);
        for (NpyArray a : all) {
            arrays.put("z_" + a.dtype().name().toLowerCase(), a);
        }
        arrays.put("scalar", NpyArray.ofFloats(new float[] {2.5f}));
        arrays.put("zeros", NpyArray.ofFloats(new float[10000], 100, 100));
        arrays.put("nested/name", NpyArray.ofInts(new int[] {1, 2}, 2));
        for (boolean compressed : new boolean[] {false, true}) {
            Path f = tmp.resolve(compressed + ".npz");
            Npz.write(f, arrays, compressed);
            Map<String, NpyArray> back = Npz.read(f);
            assertEquals(new ArrayList<>(arrays.keySet()), new ArrayList<>(back.keySet()));
            assertEquals(arrays, back);
            try (ZipFile zip = new ZipFile(f.toFile())) {
                ZipEntry e = zip.getEntry("zeros.npy");
                assertEquals(compressed ? ZipEntry.DEFLATED : ZipEntry.STORED, e.getMethod());
                assertEquals(40000 + 128, e.getSize());
            }
            // the same arrays give the same bytes: no timestamps or random names inside
            Path again = tmp.resolve(compressed + "-again.npz");
            Npz.write(again, arrays, compressed);
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(again));
        }
        assertTrue(Files.size(tmp.resolve("true.npz")) < Files.size(tmp.resolve("false.npz")) - 30000);
    }

    @Test
    void damagedNpzIsRefusedNamingTheFile(@TempDir Path tmp) throws IOException {
        byte[] whole = Files.readAllBytes(NpyFixturesTest.DIR.resolve("features_compressed.npz"));
        Path cut = Files.write(tmp.resolve("cut.npz"), java.util.Arrays.copyOf(whole, whole.length / 2));
        IOException e = assertThrows(IOException.class, () -> Npz.read(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("re-export"), e.getMessage());

        Path notZip = Files.writeString(tmp.resolve("plain.npz"), "just text");
        e = assertThrows(IOException.class, () -> Npz.read(notZip));
        assertTrue(e.getMessage().startsWith(notZip + ": not a readable .npz"), e.getMessage());

        Path other = tmp.resolve("other.npz");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(other))) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("hi".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        e = assertThrows(IOException.class, () -> Npz.read(other));
        assertEquals(other + " [readme.txt]: member is not a .npy array; an .npz holds only .npy members"
                + " (write it with np.savez)", e.getMessage());

        // a member whose data is cut short (stored member of a valid archive)
        Path trunc = tmp.resolve("trunc.npz");
        byte[] npyBytes = Files.readAllBytes(NpyFixturesTest.DIR.resolve("truncated.npy"));
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(trunc))) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(npyBytes);
            zip.closeEntry();
        }
        e = assertThrows(IOException.class, () -> Npz.read(trunc));
        assertTrue(e.getMessage().startsWith(trunc + " [x.npy]: truncated: header declares 15360 float32 values"),
                e.getMessage());
    }

    @Test
    void conversionsAreCheckedNotSilentlyTruncated() {
        NpyArray f = NpyArray.ofFloats(new float[] {1, 2, 3.5f}, 3);
        ArithmeticException e = assertThrows(ArithmeticException.class, f::toLongArray);
        assertTrue(e.getMessage().contains("3.5 at index 2"), e.getMessage());
        assertArrayEquals(new long[] {1, 2}, NpyArray.ofDoubles(new double[] {1, 2}, 2).toLongArray());
        assertThrows(ArithmeticException.class, () -> NpyArray.ofLongs(new long[] {1L << 40}, 1).toIntArray());
        assertArrayEquals(new double[] {1, -2}, NpyArray.ofInts(new int[] {1, -2}, 2).toDoubleArray(), 0);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> NpyArray.ofFloats(new float[5], 2, 3));
        assertTrue(bad.getMessage().contains("[2, 3]"), bad.getMessage());
        float[] src = {1, 2};
        NpyArray copy = NpyArray.ofFloats(src, 2);
        src[0] = 99;
        assertEquals(1f, copy.toFloatArray()[0]);
        copy.toFloatArray()[1] = 99;
        assertEquals(2f, copy.toFloatArray()[1]);
        assertArrayEquals(new long[] {3, 2}, NpyArray.ofInts(new int[6], 2, 3).reshape(3, 2).shape());
        assertThrows(IllegalArgumentException.class, () -> NpyArray.ofInts(new int[6], 2, 3).reshape(4, 2));
    }
}
