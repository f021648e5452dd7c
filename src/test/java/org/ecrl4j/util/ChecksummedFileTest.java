package org.ecrl4j.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksummedFileTest {
    @TempDir Path dir;

    static final String DAMAGED = " is damaged: checksum mismatch; delete it and rerun from the last good epoch";
    static final String TRUNCATED = " is truncated; delete it and rerun from the last good epoch";

    private static byte[] body(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static byte[] read(Path f) throws IOException {
        try (InputStream in = ChecksummedFile.open(f, ChecksummedFile.CHECKPOINT)) {
            return in.readAllBytes();
        }
    }

    @Test
    void bodyRoundTripsAndEndsWhereItEnded() throws IOException {
        for (int n : new int[] {0, 1, 1000, 200_000}) {
            Path f = dir.resolve("f" + n);
            byte[] b = body(n);
            ChecksummedFile.write(f, out -> out.write(b));
            assertEquals(n + 28, Files.size(f), "8-byte header and 20-byte trailer");
            assertArrayEquals(b, read(f));
        }
    }

    @Test
    void everySingleFlippedBitAndEveryCutIsRefused() throws IOException {
        Path f = dir.resolve("f");
        ChecksummedFile.write(f, out -> out.write(body(64)));
        byte[] good = Files.readAllBytes(f);
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(f, bad);
            IOException e = assertThrows(IOException.class, () -> read(f), "bit " + bit);
            assertEquals(f + DAMAGED, e.getMessage(), "bit " + bit);
        }
        for (int keep = 1; keep < good.length; keep++) {
            Files.write(f, Arrays.copyOf(good, keep));
            IOException e = assertThrows(IOException.class, () -> read(f), "first " + keep + " bytes");
            assertEquals(f + TRUNCATED, e.getMessage(), "first " + keep + " bytes");
        }
    }

    @Test
    void fileWithoutTheEnvelopeIsAnOlderOne() throws IOException {
        Path f = Files.write(dir.resolve("old.bin"), body(100));
        IOException e = assertThrows(ChecksummedFile.MissingChecksumException.class, () -> read(f));
        assertEquals(f + " was written by an older version of ecrl4j without a checksum; delete it and rerun",
                e.getMessage());
    }
}
