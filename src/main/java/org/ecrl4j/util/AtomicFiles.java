package org.ecrl4j.util;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files atomically: the content goes to a temporary file in the target's folder, which is
 * then renamed over the target, so a reader never sees a half-written file and a killed run leaves
 * the previous version intact. The temporary file is {@code .NAME.DIGITS.tmp}; one left by a killed
 * run is deleted by the next run in that folder ({@link OutputFolder}).
 *
 * <p>Files get the mode the umask gives (0644 under umask 022), as any other program's files do:
 * the temporary file is created with {@code open(2)}'s default mode, not with
 * {@link Files#createTempFile}'s 0600.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Something that writes a file's content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Writes {@code target} atomically with the bytes {@code writer} produces. */
    public static void write(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path tmp = createTemporary(abs);
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
                writer.write(out);
            }
            moveOver(tmp, abs);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates an empty temporary file beside {@code target} (creating its folder), with the mode the
     * umask gives; write it, then {@link #moveOver} it onto the target.
     */
    public static Path createTemporary(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        for (int attempt = 0; ; attempt++) {
            long n = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
            Path tmp = dir.resolve("." + abs.getFileName() + "." + n + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** Renames {@code tmp} over {@code target}, atomically where the file system allows it. */
    public static void moveOver(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes a UTF-8 string atomically. */
    public static void writeString(Path target, String content) throws IOException {
        write(target, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
    }

    /** Like {@link #writeString} but wraps the I/O error, naming the file. */
    public static void writeStringUnchecked(Path target, String content) {
        try {
            writeString(target, content);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves a finished folder into place, replacing an older one: the old folder is first moved aside
     * (to {@code .NAME-old-<nanos>}) and put back if the move fails, so a reader sees the old folder or
     * the new one, never a half-written one.
     */
    public static void replaceFolder(Path finished, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + "-old-" + System.nanoTime());
            Files.move(target, old);
        }
        try {
            Files.move(finished, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(finished, target);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, target);
            }
            throw e;
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    /** Deletes a folder and everything in it; nothing when it does not exist (or is null). */
    public static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
