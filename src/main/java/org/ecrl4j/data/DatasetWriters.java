package org.ecrl4j.data;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.ecrl4j.util.AtomicFiles;

/**
 * Writes datasets in the CSV format that {@link DatasetReaders} reads back, and their
 * {@code classes.txt}. Both files are written atomically.
 */
public final class DatasetWriters {
    private DatasetWriters() {}

    /**
     * Writes {@code samples} as a CSV with the columns {@code path,label,split}, then
     * {@code start,end} when any sample has a segment, then every attribute name in the order
     * first seen (empty where a sample lacks it). Paths are written relative to the CSV's folder.
     *
     * @throws IllegalArgumentException when a sample lies outside the CSV's folder, which the
     *     reader would refuse
     */
    public static void writeCsv(Path csv, Collection<VideoSample> samples) throws IOException {
        Path base = csv.toAbsolutePath().normalize().getParent();
        boolean segments = samples.stream().anyMatch(s -> s.segment() != null);
        Set<String> attributeNames = new LinkedHashSet<>();
        samples.forEach(s -> attributeNames.addAll(s.attributes().keySet()));
        List<String> header = new ArrayList<>(List.of("path", "label", "split"));
        if (segments) {
            header.addAll(List.of("start", "end"));
        }
        for (String a : attributeNames) {
            if (header.contains(a.toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException("Attribute '" + a + "' clashes with a standard column of " + csv);
            }
            header.add(a);
        }
        List<List<String>> rows = new ArrayList<>();
        for (VideoSample s : samples) {
            Path p = s.path().toAbsolutePath().normalize();
            if (!p.startsWith(base)) {
                throw new IllegalArgumentException("Cannot write " + csv + ": video " + p + " is outside " + base
                        + "; write the CSV in a folder that holds all the videos");
            }
            List<String> row = new ArrayList<>(List.of(base.relativize(p).toString().replace('\\', '/'),
                    s.label(), s.split()));
            if (segments) {
                row.add(s.segment() == null ? "" : Double.toString(s.segment().startSeconds()));
                row.add(s.segment() == null ? "" : Double.toString(s.segment().endSeconds()));
            }
            for (String a : attributeNames) {
                row.add(s.attributes().getOrDefault(a, ""));
            }
            rows.add(row);
        }
        AtomicFiles.write(csv, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            CSVPrinter printer = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get());
            printer.printRecord(header);
            for (List<String> row : rows) {
                printer.printRecord(row);
            }
            printer.flush();
        });
    }

    /** Writes {@code classes}, one per line, to {@code DIR/classes.txt}. */
    public static void writeClasses(Path dir, List<String> classes) throws IOException {
        Set<String> seen = new LinkedHashSet<>();
        for (String c : classes) {
            if (c.isBlank() || c.contains("\n") || !c.equals(c.strip()) || !seen.add(c)) {
                throw new IllegalArgumentException("Class name '" + c + "' is blank, padded, multi-line or repeated;"
                        + " classes.txt needs distinct one-line names");
            }
        }
        AtomicFiles.writeString(dir.resolve(DatasetReaders.CLASSES_FILE), String.join("\n", classes) + "\n");
    }
}
