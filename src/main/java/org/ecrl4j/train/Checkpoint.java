package org.ecrl4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@link Trainer} writes its state after every epoch, so that a killed run resumes exactly.
 * The file's format is {@link CheckpointFile}'s, the same for every kind of training.
 *
 * @param file the state file (replaced atomically after each epoch)
 * @param fingerprint identifies the run's configuration; a state written by another is refused
 * @param resume continue from the file when it exists (else an existing file is an error)
 * @param stopAfter stop after this many epochs in total, as a kill would (tests; 0: never)
 */
public record Checkpoint(Path file, String fingerprint, boolean resume, int stopAfter) {
    public Checkpoint {
        if (file == null || fingerprint == null) {
            throw new IllegalArgumentException("a checkpoint needs a file and a fingerprint");
        }
        if (stopAfter < 0) {
            throw new IllegalArgumentException("stopAfter must be >= 0, got " + stopAfter);
        }
    }

    /**
     * Whether training will continue from the file: true when it exists and {@code resume} is set.
     *
     * @throws IOException when the file exists but {@code resume} is not set
     */
    public boolean resuming() throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        if (!resume) {
            throw new IOException(file + " already holds a checkpoint; pass --resume to continue that run"
                    + " or choose another --out");
        }
        return true;
    }
}
