package org.ecrl4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFolderTest {
    @TempDir Path dir;

    @Test
    void resumingCleansStaleTemporaryFilesAndKeepsTheRun() throws Exception {
        Path run = dir.resolve("run");
        OutputFolder.open(run, "train --data", false, false, true);
        Files.createDirectories(run.resolve("checkpoint"));
        Files.writeString(run.resolve("checkpoint/state.bin"), "epoch 1");
        Path stale = run.resolve("checkpoint/.state.bin.8812734.tmp");
        Files.writeString(stale, "half");
        Path staleTop = run.resolve(".request.json.42.tmp");
        Files.writeString(staleTop, "half");
        OutputFolder f = OutputFolder.open(run, "train --data", false, true, true);
        assertTrue(f.resumed());
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(staleTop));
        assertEquals("epoch 1", Files.readString(run.resolve("checkpoint/state.bin")));
    }

    @Test
    void aFailedRunKeepsItsCheckpointsOnlyWhenAsked() throws Exception {
        Path run = dir.resolve("run");
        OutputFolder f = OutputFolder.open(run, "train --data", false, false, true);
        Files.writeString(run.resolve("request.json"), "{}");
        assertThrows(IOException.class, () -> f.run(() -> {
            throw new IOException("failed at validation");
        }, p -> Files.exists(p.resolve("checkpoint"))));
        assertFalse(Files.exists(run), "nothing is left of a run that failed before any epoch");

        OutputFolder g = OutputFolder.open(run, "train --data", false, false, true);
        assertThrows(IOException.class, () -> g.run(() -> {
            Files.createDirectories(run.resolve("checkpoint"));
            Files.writeString(run.resolve("checkpoint/state.bin"), "epoch 1");
            throw new IOException("failed in epoch 2");
        }, p -> Files.exists(p.resolve("checkpoint"))));
        assertTrue(Files.isRegularFile(run.resolve("checkpoint/state.bin")), "the checkpoint is kept for --resume");
    }

    @Test
    void resumingTheRunOfAnotherCommandIsRefused() throws Exception {
        Path run = dir.resolve("run");
        OutputFolder.open(run, "synth", false, false, false);
        Files.writeString(run.resolve("benchmark.json"), "{}");
        IOException e = assertThrows(IOException.class, () -> OutputFolder.open(run, "train --data", false, true, true));
        assertEquals(run + " holds the output of `ecrl4j synth`, not of `ecrl4j train --data`; choose another --out",
                e.getMessage());
        e = assertThrows(IOException.class, () -> OutputFolder.open(run, "train --data", false, false, true));
        assertEquals(run + " already holds a run; pass --resume or --overwrite", e.getMessage());
    }
}
