package org.ecrl4j.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A malformed dataset annotation: the message names the file, the line when there is one, what
 * is wrong and how to fix it, as {@code FILE:LINE: what; fix}.
 */
public final class AnnotationException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;

    /**
     * @param file the annotation file or dataset folder
     * @param line the 1-based line, or 0 when the problem has no single line
     * @param message what is wrong and how to fix it
     */
    public AnnotationException(Path file, long line, String message) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message);
        this.file = file;
        this.line = line;
    }

    /** Like {@link #AnnotationException(Path, long, String)}, keeping the underlying cause. */
    public AnnotationException(Path file, long line, String message, Throwable cause) {
        this(file, line, message);
        initCause(cause);
    }

    /** Quoted user input longer than this is cut in messages. */
    public static final int MAX_QUOTED = 200;

    /**
     * User input (a line, a field, a path) as a message quotes it: in single quotes, cut after
     * {@value #MAX_QUOTED} characters with "… (N more characters)", so that a 10 MB line is not
     * printed back in full. Line breaks are shown as {@code \n} so the message stays one line.
     */
    public static String quote(String text) {
        return quote(text, true);
    }

    /** {@link #quote(String)}, with or without the single quotes. */
    public static String quote(String text, boolean quotes) {
        String s = String.valueOf(text);
        String cut = s.length() <= MAX_QUOTED ? s
                : s.substring(0, MAX_QUOTED) + "\u2026 (" + (s.length() - MAX_QUOTED) + " more characters)";
        cut = cut.replace("\r", "\\r").replace("\n", "\\n");
        // Any other control character is shown as '?', so that a message stays on one line.
        StringBuilder b = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return quotes ? "'" + b + "'" : b.toString();
    }

    /** The annotation file or dataset folder at fault. */
    public Path file() {
        return file;
    }

    /** The 1-based line at fault, or 0 when the problem has no single line. */
    public long line() {
        return line;
    }
}
