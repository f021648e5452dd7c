package org.ecrl4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir Path dir;

    @Test
    void aWrittenFileGetsTheModeTheUmaskGives() throws Exception {
        Path plain = dir.resolve("plain.txt");
        try (OutputStream o = Files.newOutputStream(plain)) {
            o.write('x');
        }
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        Path ours = dir.resolve("ours.txt");
        AtomicFiles.writeString(ours, "x");
        assertEquals(expected, Files.getPosixFilePermissions(ours));
        AtomicFiles.writeString(ours, "y"); // replacing a file too
        assertEquals(expected, Files.getPosixFilePermissions(ours));
    }
}
