package org.ecrl4j.data;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a CSV annotation with a header row: {@code path} and {@code label} are required;
 * {@code split}, {@code start} and {@code end} (seconds; both or neither) are optional; every
 * other column is kept, in file order, in {@link VideoSample#attributes()}. Column names match
 * case-insensitively. The built-in benchmark writes {@code path,label,split,background,shape,seed}.
 */
final class CsvAnnotationReader {
    private CsvAnnotationReader() {}

    private static final List<String> KNOWN = List.of("path", "label", "split", "start", "end");

    static List<VideoSample> read(Path file, DatasetReaders.Options options) throws IOException {
        Path base = file.toAbsolutePath().getParent();
        Path root = DatasetReaders.root(options, base);
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true)
                .setIgnoreEmptyLines(true)
                .get();
        List<VideoSample> out = new ArrayList<>();
        String text = readText(file);
        int[] lineStarts = lineStarts(text);
        try (Reader reader = new StringReader(text);
                CSVParser parser = parse(format, reader, file)) {
            List<String> header = new ArrayList<>();
            for (String h : parser.getHeaderNames()) {
                header.add(DatasetReaders.stripBom(h, 1).strip());
            }
            Map<String, Integer> column = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                String key = header.get(i).toLowerCase(Locale.ROOT);
                if (column.putIfAbsent(key, i) != null) {
                    throw new AnnotationException(file, 1, "column " + AnnotationException.quote(header.get(i)) + " appears twice in the header;"
                            + " name each column once");
                }
            }
            for (String required : List.of("path", "label")) {
                if (!column.containsKey(required)) {
                    throw new AnnotationException(file, 1, "missing column '" + required + "' (header: "
                            + AnnotationException.quote(String.join(",", header), false) + "); the first row must name the columns path,label"
                            + "[,split][,start,end][,more...]");
                }
            }
            if (column.containsKey("start") != column.containsKey("end")) {
                throw new AnnotationException(file, 1, "column 'start' needs column 'end' and vice versa (header: "
                        + AnnotationException.quote(String.join(",", header), false) + ")");
            }
            Iterator<CSVRecord> it = parser.iterator();
            while (true) {
                CSVRecord rec;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    rec = it.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    throw new AnnotationException(file, parser.getCurrentLineNumber() + 1, "unreadable CSV ("
                            + AnnotationException.quote(e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), false)
                            + "); check quotes and separators", e);
                }
                long line = lineOf(text, lineStarts, rec.getCharacterPosition());
                if (rec.size() != header.size()) {
                    throw new AnnotationException(file, line, "has " + rec.size() + " fields but the header has "
                            + header.size() + " (" + AnnotationException.quote(String.join(",", header), false) + "); quote fields that hold commas");
                }
                String label = rec.get(column.get("label"));
                if (label.isEmpty()) {
                    throw new AnnotationException(file, line, "empty label; every row needs a class label");
                }
                Path path = DatasetReaders.resolveInside(base, rec.get(column.get("path")), root, file, line);
                String split = column.containsKey("split") ? DatasetReaders.normalizeSplit(rec.get(column.get("split"))) : "";
                VideoSample.Segment segment = null;
                if (column.containsKey("start")) {
                    segment = segment(rec.get(column.get("start")), rec.get(column.get("end")), file, line);
                }
                Map<String, String> attributes = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    if (!KNOWN.contains(header.get(i).toLowerCase(Locale.ROOT))) {
                        attributes.put(header.get(i), rec.get(i));
                    }
                }
                out.add(new VideoSample(path, label, split, segment, attributes));
            }
        }
        return out;
    }

    private static String readText(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new AnnotationException(file, 0, "is not UTF-8 text; save the CSV as UTF-8", e);
        }
    }

    /** The character offset at which each line starts (line 1 at index 0). */
    private static int[] lineStarts(String text) {
        int n = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        int[] starts = new int[n];
        int k = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts[k++] = i + 1;
            }
        }
        return starts;
    }

    /**
     * The 1-based line on which the record at {@code position} starts. Commons CSV reports the
     * position just after the previous record, before any skipped empty lines, so those are
     * passed over first.
     */
    private static long lineOf(String text, int[] lineStarts, long position) {
        int pos = (int) position;
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        int i = Arrays.binarySearch(lineStarts, pos);
        return i >= 0 ? i + 1 : -i - 1;
    }

    private static CSVParser parse(CSVFormat format, Reader reader, Path file) throws IOException {
        try {
            return CSVParser.builder().setReader(reader).setFormat(format).get();
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new AnnotationException(file, 1, "unreadable CSV header (" + AnnotationException.quote(e.getMessage(), false)
                    + "); the first row must name the columns path,label[,split][,start,end]", e);
        }
    }

    private static VideoSample.Segment segment(String start, String end, Path file, long line)
            throws AnnotationException {
        if (start.isEmpty() && end.isEmpty()) {
            return null;
        }
        double s = seconds(start, "start", file, line);
        double e = seconds(end, "end", file, line);
        if (!(s >= 0 && e > s)) {
            throw new AnnotationException(file, line, "segment [" + AnnotationException.quote(start, false) + ", " + AnnotationException.quote(end, false)
                    + "] is empty or negative; need 0 <= start < end (seconds)");
        }
        return new VideoSample.Segment(s, e);
    }

    private static double seconds(String text, String column, Path file, long line) throws AnnotationException {
        try {
            double v = Double.parseDouble(text);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new AnnotationException(file, line, "bad number " + AnnotationException.quote(text) + " in column '" + column
                + "'; give seconds as a decimal number (or leave start and end both empty)");
    }
}
