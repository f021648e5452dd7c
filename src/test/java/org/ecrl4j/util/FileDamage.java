package org.ecrl4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** Damages files the way disks and copies do, for the tests of every reader of checkpoints. */
public final class FileDamage {
    private FileDamage() {}

    /** Flips {@code bits} distinct bits of the file, at positions drawn from {@code seed}. */
    public static void flipBits(Path file, int bits, long seed) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if ((long) b.length * 8 < bits) {
            throw new IllegalArgumentException(file + " has only " + b.length + " bytes");
        }
        Random r = new Random(seed);
        java.util.Set<Long> done = new java.util.HashSet<>();
        while (done.size() < bits) {
            long pos = (long) (r.nextDouble() * b.length * 8);
            if (done.add(pos)) {
                b[(int) (pos / 8)] ^= (byte) (1 << (pos % 8));
            }
        }
        Files.write(file, b);
    }

    /** Keeps the first {@code fraction} of the file's bytes, as a copy that stopped early would. */
    public static void truncate(Path file, double fraction) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(b, (int) (b.length * fraction)));
    }
}
