package org.ecrl4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a whitespace-separated list, one video per line, as Kinetics, UCF101 and MMAction2 write
 * them:
 * <ul>
 *   <li>{@code path label}: a video file or frame folder and its class (a name or an integer);
 *   <li>{@code path frames label}: MMAction2's raw-frame lists (the frame count, kept as the
 *       attribute {@code frames});
 *   <li>{@code CLASS/file}: UCF101's test lists, which give no label: the label is the folder.
 * </ul>
 * Blank lines and lines starting with {@code #} are skipped. Paths with spaces need the CSV
 * format. The split is taken from the file name ({@code trainlist01.txt}, {@code *_val_*.txt}) unless
 * {@link DatasetReaders.Options#split()} fixes it.
 */
final class ListAnnotationReader {
    private ListAnnotationReader() {}

    static List<VideoSample> read(Path file, DatasetReaders.Options options) throws IOException {
        Path base = file.toAbsolutePath().getParent();
        Path root = DatasetReaders.root(options, base);
        String split = options.split() != null ? options.split() : splitFromName(file);
        List<VideoSample> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            long line = 0;
            while ((text = readLine(r, file, line + 1)) != null) {
                line++;
                String t = DatasetReaders.stripBom(text, line).strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] f = t.split("\\s+");
                String label;
                Map<String, String> attributes = new LinkedHashMap<>();
                if (f.length == 2) {
                    label = f[1];
                } else if (f.length == 3 && DatasetReaders.isInteger(f[1]) && DatasetReaders.isInteger(f[2])) {
                    attributes.put("frames", f[1]);
                    label = f[2];
                } else if (f.length == 1) {
                    String p = f[0].replace('\\', '/');
                    int slash = p.lastIndexOf('/');
                    if (slash <= 0) {
                        throw new AnnotationException(file, line, "missing label: " + AnnotationException.quote(t) + " has no label and no"
                                + " CLASS/ folder to take it from; write 'path label'");
                    }
                    String parent = p.substring(0, slash);
                    label = parent.substring(parent.lastIndexOf('/') + 1);
                } else {
                    throw new AnnotationException(file, line, "expected 'path label' (or 'path frames label'), got "
                            + f.length + " fields: " + AnnotationException.quote(t) + "; paths with spaces need the CSV format");
                }
                Path path = DatasetReaders.resolveInside(base, f[0], root, file, line);
                out.add(new VideoSample(path, label, split, null, attributes));
            }
        }
        if (out.isEmpty()) {
            throw new AnnotationException(file, 0, "lists no video; write one 'path label' per line");
        }
        return out;
    }

    private static String readLine(BufferedReader r, Path file, long line) throws IOException {
        try {
            return r.readLine();
        } catch (CharacterCodingException e) {
            throw new AnnotationException(file, line, "is not UTF-8 text; save the list as UTF-8", e);
        }
    }

    /**
     * The split a list's file name suggests: a word {@code train}/{@code trainlist},
     * {@code val}/{@code validation}, {@code test}/{@code testlist} (trailing digits ignored), else "".
     */
    static String splitFromName(Path file) {
        String stem = file.getFileName().toString().toLowerCase(Locale.ROOT).replaceFirst("\\.[^.]*$", "");
        String found = "";
        for (String word : stem.split("[^a-z0-9]+")) {
            String w = word.replaceFirst("\\d+$", "");
            String s = switch (w) {
                case "train", "training", "trainlist" -> "train";
                case "val", "valid", "validation", "vallist" -> "val";
                case "test", "testing", "testlist" -> "test";
                default -> "";
            };
            if (!s.isEmpty()) {
                if (!found.isEmpty() && !found.equals(s)) {
                    return ""; // ambiguous, e.g. train_test.txt
                }
                found = s;
            }
        }
        return found;
    }
}
