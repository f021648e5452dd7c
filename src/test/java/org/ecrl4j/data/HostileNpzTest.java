package org.ecrl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small files that declare huge or inconsistent arrays are refused from their headers, with one
 * line naming the file and the array, before any large allocation (the tests run in surefire's
 * default heap, so an attempt to honour the declaration would end in an OutOfMemoryError).
 */
class HostileNpzTest {
    @TempDir Path dir;

    /** The .npy preamble and data size of a float64 (1000000, 8, 128) array: 8.192 GB. */
    static final long[] HUGE = {1_000_000, 8, 128};
    static final long HUGE_BYTES = 8L * 1_000_000 * 8 * 128;

    /** Bytes allocated by this thread while {@code r} runs. */
    static long allocatedBy(ThrowingRunnable r) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        r.run();
        return mx.getThreadAllocatedBytes(id) - before;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Loads {@code file} as features and returns the error, failing on success or any other throwable. */
    static IOException refused(Path file) {
        try {
            FeatureSet.load(file);
        } catch (IOException e) {
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            return e;
        } catch (Throwable t) {
            fail(file + ": expected a one-line IOException, got " + t, t);
        }
        return fail(file + " was accepted");
    }

    @Test
    void eightGigabyteDeclarationIsRefusedFromTheHeader() throws Exception {
        byte[] header = HostileNpz.npyHeader("<f8", HUGE);
        Path file = HostileNpz.write(dir.resolve("bomb.npz"), new HostileNpz.Member("video.npy",
                HostileNpz.withZeros(header, 4096), true, header.length + HUGE_BYTES));
        assertTrue(Files.size(file) < 10_000);
        long limit = Runtime.getRuntime().maxMemory() / 4;
        long[] allocated = new long[1];
        IOException e = new IOException();
        allocated[0] = allocatedBy(() -> {
            IOException x = refused(file);
            e.initCause(x);
        });
        assertEquals(file + ": array 'video' declares shape (1000000, 8, 128) float64, 8192000000 bytes (7.6 GiB),"
                + " over the limit of " + limit + " bytes (--max-array-bytes, default a quarter of the heap);"
                + " if the file is genuine raise --max-array-bytes and the heap (java -Xmx), else re-export it",
                e.getCause().getMessage());
        assertTrue(allocated[0] < 50_000_000, allocated[0] + " bytes allocated");
    }

    @Test
    void memberDeclaringMoreThanItInflatesToIsRefusedWithoutAllocatingTheDeclaredSize() throws Exception {
        // 400 MB declared (under the default limit), 4 KB present
        long[] shape = {100_000, 8, 128};
        long bytes = 4L * 100_000 * 8 * 128;
        byte[] header = HostileNpz.npyHeader("<f4", shape);
        Path file = HostileNpz.write(dir.resolve("short.npz"), new HostileNpz.Member("video.npy",
                HostileNpz.withZeros(header, 4096), true, header.length + bytes));
        IOException[] e = new IOException[1];
        long allocated = allocatedBy(() -> e[0] = refused(file));
        assertTrue(e[0].getMessage().contains("video") && e[0].getMessage().contains("truncated"), e[0].getMessage());
        assertTrue(allocated < 50_000_000, allocated + " bytes allocated before refusing");
    }

    @Test
    void memberInflatingBeyondItsDeclaredSizeIsRefused() throws Exception {
        byte[] header = HostileNpz.npyHeader("<f4", 2, 2, 4);
        byte[] content = HostileNpz.withZeros(header, 64 + 1_000_000);
        for (boolean honestDirectory : new boolean[] {true, false}) {
            Path file = HostileNpz.write(dir.resolve("long-" + honestDirectory + ".npz"), new HostileNpz.Member(
                    "video.npy", content, true, honestDirectory ? content.length : header.length + 64));
            IOException e = assertThrows(IOException.class, () -> Npz.read(file));
            assertTrue(e.getMessage().startsWith(file + " [video.npy]: damaged"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void streamOfTheWrongCountIsRefusedFromItsHeader() throws Exception {
        // 'video' is (2, 8, 16); 'foreground' declares a million videos (512 MB, under the limit)
        byte[] video = HostileNpz.withZeros(HostileNpz.npyHeader("<f4", 2, 8, 16), 2 * 8 * 16 * 4);
        byte[] fgHeader = HostileNpz.npyHeader("<f4", 1_000_000, 8, 16);
        Path file = HostileNpz.write(dir.resolve("mixed.npz"),
                HostileNpz.Member.honest("video.npy", video, true),
                new HostileNpz.Member("foreground.npy", HostileNpz.withZeros(fgHeader, 4096), true,
                        fgHeader.length + 4L * 1_000_000 * 8 * 16));
        IOException[] e = new IOException[1];
        long allocated = allocatedBy(() -> e[0] = refused(file));
        assertEquals(file + ": array 'foreground' has shape (1000000, 8, 16) but 'video' has (2, 8, 16);"
                + " the three streams must match", e[0].getMessage());
        assertTrue(allocated < 50_000_000, allocated + " bytes allocated before refusing");
    }

    @Test
    void truncatedAndGarbageFilesGiveOneClearLine() throws Exception {
        Random random = new Random(10);
        for (String name : new String[] {"features_compressed.npz", "features_uncompressed.npz"}) {
            byte[] whole = Files.readAllBytes(NpyFixturesTest.DIR.resolve(name));
            for (int cut : new int[] {0, 1, 3, 30, 100, whole.length / 3, whole.length / 2, whole.length - 22,
                whole.length - 1}) {
                refused(Files.write(dir.resolve("cut-" + cut + "-" + name), java.util.Arrays.copyOf(whole, cut)));
            }
            for (int k = 0; k < 150; k++) {
                byte[] b = whole.clone();
                for (int j = 0; j < 1 + random.nextInt(4); j++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                Path file = Files.write(dir.resolve("flip-" + k + "-" + name), b);
                try {
                    FeatureSet.load(file);
                } catch (IOException e) {
                    assertFalse(e.getMessage().contains("\n"), e.getMessage());
                    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
                } catch (Throwable t) {
                    fail(file + " (" + k + "): expected an IOException or success, got " + t, t);
                }
            }
        }
        byte[] garbage = new byte[5000];
        random.nextBytes(garbage);
        refused(Files.write(dir.resolve("garbage.npz"), garbage));
        byte[] zipLike = garbage.clone();
        zipLike[0] = 'P';
        zipLike[1] = 'K';
        zipLike[2] = 3;
        zipLike[3] = 4;
        refused(Files.write(dir.resolve("ziplike.npz"), zipLike));
    }
}
