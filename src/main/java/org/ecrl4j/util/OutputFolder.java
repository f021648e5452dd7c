package org.ecrl4j.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one place that decides where a command may write. Every command that writes an output calls
 * {@link #open} (a folder) or {@link #checkFile} (a file) before any work starts.
 *
 * <p>A folder output ({@code --out DIR}) must be absent or empty. The command drops a marker file,
 * {@value #MARKER} (holding the command's name), in it first, so that its folders can be told from
 * everybody else's: a folder holding a marker is refused unless {@code --resume} (the same command
 * continues it) or {@code --overwrite} (its contents are deleted); a non-empty folder without the
 * marker is refused always. A run that fails removes what it created, unless it asks to keep its
 * checkpoints for {@code --resume}. Temporary files of a killed atomic write ({@code .NAME.N.tmp},
 * see {@link AtomicFiles}) are deleted when a run continues in the folder.
 *
 * <p>A file output ({@code --out FILE}) must not exist unless {@code --overwrite}, which replaces
 * only a file the caller recognises as one ecrl4j wrote. Its folder must be writable.
 *
 * <p>Every refusal is an {@link IOException} whose message is one line: the path, what is wrong,
 * and what to do.
 */
public final class OutputFolder {
    /** The marker file every writing command drops in its output folder first. */
    public static final String MARKER = ".ecrl4j-run";

    /** A temporary file of {@link AtomicFiles}: {@code .NAME.DIGITS.tmp}. */
    private static final Pattern STALE_TMP = Pattern.compile("\\..+\\.[0-9]+\\.tmp");

    private final Path dir;
    /** The topmost folder this run created (deleted on failure), or null if {@code dir} existed. */
    private final Path created;
    private final boolean resumed;

    private OutputFolder(Path dir, Path created, boolean resumed) {
        this.dir = dir;
        this.created = created;
        this.resumed = resumed;
    }

    /**
     * Checks and prepares an output folder: creates it (and its parents) if absent, empties it for
     * {@code overwrite}, and writes the marker.
     *
     * @param dir the {@code --out} folder
     * @param command the command's name, as the marker records it (e.g. "train --data")
     * @param overwrite replace an earlier output of ecrl4j in {@code dir}
     * @param resume continue an earlier run of the same command in {@code dir}
     * @param resumable whether the command has {@code --resume} (it only changes the message)
     * @throws IOException with a one-line message when {@code dir} may not be used
     */
    public static OutputFolder open(Path dir, String command, boolean overwrite, boolean resume, boolean resumable)
            throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(dir + " is a file, not a folder; choose another --out");
        }
        Path created = null;
        boolean resumed = false;
        if (!Files.exists(dir)) {
            created = topmostMissing(dir);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new IOException("cannot create the folder " + dir + " (" + reason(e) + "); choose another --out", e);
            }
        } else {
            Path marker = dir.resolve(MARKER);
            List<Path> contents = contents(dir);
            if (!Files.isRegularFile(marker)) {
                if (!contents.isEmpty()) {
                    throw new IOException(dir + " is not empty and is not an ecrl4j output folder; choose another --out");
                }
            } else {
                deleteStaleTemporaryFiles(dir);
                contents = contents(dir);
                String owner = Files.readString(marker, StandardCharsets.UTF_8).strip();
                if (contents.isEmpty()) {
                    // Only the marker: a run that stopped before writing anything; start afresh.
                } else if (resume && resumable) {
                    if (!owner.equals(command)) {
                        throw new IOException(dir + " holds the output of `ecrl4j " + owner + "`, not of `ecrl4j "
                                + command + "`; choose another --out");
                    }
                    resumed = true;
                } else if (overwrite) {
                    for (Path p : contents) {
                        deleteTree(p);
                    }
                } else {
                    throw new IOException(dir + " already holds a run; pass " + (resumable ? "--resume or " : "")
                            + "--overwrite");
                }
            }
        }
        try {
            AtomicFiles.writeString(dir.resolve(MARKER), command + "\n");
        } catch (IOException e) {
            OutputFolder f = new OutputFolder(dir, created, false);
            f.failed(false);
            throw new IOException("cannot write in " + dir + " (" + reason(e) + "); choose another --out", e);
        }
        return new OutputFolder(dir, created, resumed);
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /** Whether the folder holds an earlier run of the command that this one continues. */
    public boolean resumed() {
        return resumed;
    }

    /**
     * Runs {@code work}; if it throws, removes what the run wrote (see {@link #failed}) and rethrows.
     *
     * @param keepOnFailure given the folder, whether a failed run keeps it (its checkpoints) for
     *     {@code --resume}
     */
    public <T> T run(Callable<T> work, Predicate<Path> keepOnFailure) throws Exception {
        try {
            return work.call();
        } catch (Exception | Error e) {
            try {
                failed(keepOnFailure.test(dir));
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * After a failure: deletes the folder if this run created it, else empties it, unless the run
     * continued an earlier one or {@code keep} (checkpoints worth resuming).
     */
    public void failed(boolean keep) throws IOException {
        if (resumed || keep) {
            return;
        }
        if (created != null) {
            deleteTree(created);
        } else {
            for (Path p : contents(dir)) {
                deleteTree(p);
            }
            Files.deleteIfExists(dir.resolve(MARKER));
        }
    }

    /**
     * Checks a file output before any work: its folder can be written, it is not a folder, and it
     * does not exist unless {@code overwrite} and {@code ours} recognises it as written by ecrl4j.
     *
     * @param file the {@code --out} file
     * @param overwrite replace a file ecrl4j wrote
     * @param ours whether an existing file was written by ecrl4j
     * @param example what to name the file, for the message (e.g. "FEATURES.npz")
     * @param companions files written beside it (refused like it if they exist without it)
     */
    public static void checkFile(Path file, boolean overwrite, Predicate<Path> ours, String example,
            Path... companions) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a folder; --out names the file to write: choose a file name such as "
                    + example);
        }
        if (Files.exists(file)) {
            if (!overwrite) {
                throw new IOException(file + " already exists; pass --overwrite to replace it, or choose another --out");
            }
            if (!ours.test(file)) {
                throw new IOException(file + " was not written by ecrl4j; --overwrite replaces only files ecrl4j wrote:"
                        + " choose another --out");
            }
        } else {
            for (Path c : companions) {
                if (Files.exists(c)) {
                    throw new IOException(c + " already exists (written beside " + file.getFileName()
                            + "); move it away or choose another --out");
                }
            }
        }
        Path parent = file.toAbsolutePath().getParent();
        Path existing = parent;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new IOException("cannot write " + file + ": " + existing + " is not a folder; choose another --out");
        }
        // Probe: create (and delete) what writing will create, so a read-only place fails now.
        Path probe = existing.resolve("." + file.getFileName() + "." + System.nanoTime() + ".tmp");
        try {
            Files.createFile(probe);
        } catch (IOException e) {
            throw new IOException("cannot write " + file + " (" + reason(e) + " in " + existing + "); choose another --out",
                    e);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /** Deletes the stale temporary files of killed atomic writes under {@code root}. */
    public static void deleteStaleTemporaryFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                if (STALE_TMP.matcher(p.getFileName().toString()).matches()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The folder's entries other than the marker. */
    private static List<Path> contents(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.filter(p -> !p.getFileName().toString().equals(MARKER)).toList());
        }
    }

    private static Path topmostMissing(Path dir) {
        Path abs = dir.toAbsolutePath();
        Path top = abs;
        for (Path p = abs.getParent(); p != null && !Files.exists(p); p = p.getParent()) {
            top = p;
        }
        return top;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** What went wrong, in words: a FileSystemException's message is often only the path. */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            if (f.getReason() != null) {
                return f.getReason();
            }
            String kind = e.getClass().getSimpleName().replace("Exception", "");
            return kind.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        }
        return e.getMessage();
    }
}
