package org.ecrl4j.video;

import java.nio.file.Path;

/**
 * A video or frame folder that cannot be read: missing, empty, not a video, damaged, or too slow to
 * decode. The message names the file and says what to do about it; {@link #path()} gives the file so
 * that batch work can report it and go on with the next one.
 */
public final class VideoException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Path path;

    /** A failure of {@code path}; {@code problem} and {@code fix} are joined into the message. */
    public VideoException(Path path, String problem, String fix) {
        super(path + ": " + problem + (fix == null || fix.isEmpty() ? "" : " (" + fix + ")"));
        this.path = path;
    }

    /** The file or folder that failed. */
    public Path path() {
        return path;
    }
}
