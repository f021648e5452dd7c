package org.ecrl4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a dataset's annotations into {@link VideoSample}s, choosing the format by what it is
 * given: a folder is read as folder-per-class, {@code .csv} as CSV, {@code .txt}/{@code .lst} as
 * a whitespace-separated list, and {@code .json} as MSR-VTT or ActivityNet by its top-level keys.
 *
 * <p>Relative paths resolve against the annotation's folder; a path that leaves the dataset root
 * (by default that folder) is refused. A malformed annotation gives one
 * {@link AnnotationException} naming the file and line. Readers do not check that the videos
 * exist (except ActivityNet's, which picks between file-name patterns by existence): a dataset
 * check or the decoder reports missing files, so one missing video does not hide the others.
 *
 * <pre>{@code
 * List<VideoSample> samples = DatasetReaders.read(Path.of("data/ucf101/trainlist01.txt"));
 * List<String> classes = DatasetReaders.classes(Path.of("data/ucf101/trainlist01.txt"), samples);
 * }</pre>
 */
public final class DatasetReaders {
    private DatasetReaders() {}

    /** The name of the optional class list beside an annotation file (or inside a dataset folder). */
    public static final String CLASSES_FILE = "classes.txt";

    /**
     * How to read a dataset; {@link #defaults()} suits the usual layouts.
     *
     * @param root the folder no sample path may leave; {@code null}: the annotation's folder (for
     *     MSR-VTT and ActivityNet with {@code videosDir} given, that folder)
     * @param videosDir where MSR-VTT and ActivityNet videos are; {@code null}: beside the JSON
     * @param activityNetNames ActivityNet file-name patterns, {@code {id}} standing for the video
     *     id; the first that exists is used (the first of all when none exists)
     * @param clipSeconds ActivityNet videos are clipped to {@code [0, min(clipSeconds, duration)]}
     *     (the paper's 30 seconds); {@code Double.POSITIVE_INFINITY} keeps whole videos
     * @param split for lists, the split every sample gets; {@code null}: guessed from the file
     *     name ({@code trainlist01.txt} gives {@code train}), else ""
     */
    public record Options(Path root, Path videosDir, List<String> activityNetNames, double clipSeconds, String split) {
        public Options {
            activityNetNames = List.copyOf(activityNetNames);
            if (activityNetNames.isEmpty() || activityNetNames.stream().anyMatch(p -> !p.contains("{id}"))) {
                throw new IllegalArgumentException("activityNetNames " + activityNetNames
                        + " must be non-empty and each contain {id}, e.g. v_{id}.mp4");
            }
            if (!(clipSeconds > 0)) {
                throw new IllegalArgumentException("clipSeconds must be > 0, got " + clipSeconds);
            }
        }

        /** Root and videos folder from the annotation, {@code v_{id}.mp4} then {@code {id}.mp4}, 30 s clips. */
        public static Options defaults() {
            return new Options(null, null, List.of("v_{id}.mp4", "{id}.mp4"), 30.0, null);
        }

        /** These options with another dataset root. */
        public Options withRoot(Path newRoot) {
            return new Options(newRoot, videosDir, activityNetNames, clipSeconds, split);
        }

        /** These options with another videos folder (MSR-VTT, ActivityNet). */
        public Options withVideosDir(Path dir) {
            return new Options(root, dir, activityNetNames, clipSeconds, split);
        }

        /** These options with other ActivityNet file-name patterns. */
        public Options withActivityNetNames(List<String> patterns) {
            return new Options(root, videosDir, patterns, clipSeconds, split);
        }

        /** These options with another ActivityNet clip length. */
        public Options withClipSeconds(double seconds) {
            return new Options(root, videosDir, activityNetNames, seconds, split);
        }

        /** These options with a fixed split for list files. */
        public Options withSplit(String fixedSplit) {
            return new Options(root, videosDir, activityNetNames, clipSeconds, fixedSplit);
        }
    }

    /** Reads a dataset with {@link Options#defaults()}. */
    public static List<VideoSample> read(Path annotationsOrFolder) throws IOException {
        return read(annotationsOrFolder, Options.defaults());
    }

    /** The file a folder's own annotations are in ({@code ecrl4j synth} and the demo write one). */
    public static final String FOLDER_ANNOTATIONS = "annotations.csv";

    /**
     * Reads a dataset in the format {@link #detect} finds. A folder holding {@value #FOLDER_ANNOTATIONS}
     * (a benchmark written by {@code ecrl4j synth}) is read through that file, not as class folders.
     */
    public static List<VideoSample> read(Path annotationsOrFolder, Options options) throws IOException {
        Path own = annotationsOrFolder.resolve(FOLDER_ANNOTATIONS);
        if (Files.isDirectory(annotationsOrFolder) && Files.isRegularFile(own)) {
            return read(own, DatasetFormat.CSV, options);
        }
        return read(annotationsOrFolder, detect(annotationsOrFolder), options);
    }

    /** Reads a dataset in the given format. */
    public static List<VideoSample> read(Path annotationsOrFolder, DatasetFormat format, Options options)
            throws IOException {
        Objects.requireNonNull(options, "options");
        requireExists(annotationsOrFolder);
        return switch (format) {
            case FOLDER -> FolderDatasetReader.read(annotationsOrFolder, options);
            case CSV -> CsvAnnotationReader.read(annotationsOrFolder, options);
            case LIST -> ListAnnotationReader.read(annotationsOrFolder, options);
            case MSRVTT, ACTIVITYNET -> JsonAnnotationReader.read(annotationsOrFolder, format, options);
        };
    }

    /**
     * The format of a dataset: a folder is {@link DatasetFormat#FOLDER}; otherwise by extension,
     * a {@code .json} file by its top-level keys ({@code videos}: MSR-VTT, {@code database}:
     * ActivityNet).
     */
    public static DatasetFormat detect(Path annotationsOrFolder) throws IOException {
        requireExists(annotationsOrFolder);
        if (Files.isDirectory(annotationsOrFolder)) {
            return DatasetFormat.FOLDER;
        }
        String name = annotationsOrFolder.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return DatasetFormat.CSV;
        }
        if (name.endsWith(".txt") || name.endsWith(".lst")) {
            return DatasetFormat.LIST;
        }
        if (name.endsWith(".json")) {
            return JsonAnnotationReader.sniff(annotationsOrFolder);
        }
        throw new AnnotationException(annotationsOrFolder, 0, "unknown annotation format; give a dataset folder"
                + " (ROOT/CLASS/VIDEO), a .csv (path,label[,split][,start,end]), a .txt/.lst list (path label),"
                + " or an MSR-VTT / ActivityNet .json");
    }

    private static void requireExists(Path p) throws IOException {
        if (!Files.exists(p)) {
            throw new NoSuchFileException(p.toString(), null, "no such dataset folder or annotation file");
        }
    }

    /**
     * The class list of a dataset: the lines of {@code classes.txt} beside the annotation (inside
     * a dataset folder) in their order when that file exists, otherwise the sorted distinct labels
     * of {@code samples} (numerically when every label is an integer, else by name).
     *
     * @throws AnnotationException when {@code classes.txt} repeats a class or a sample's label
     *     is neither in it nor an index into it (see {@link #classIndex})
     */
    public static List<String> classes(Path annotationsOrFolder, Collection<VideoSample> samples) throws IOException {
        Path dir = Files.isDirectory(annotationsOrFolder) ? annotationsOrFolder
                : annotationsOrFolder.toAbsolutePath().getParent();
        Path file = dir.resolve(CLASSES_FILE);
        if (Files.isRegularFile(file)) {
            List<String> classes = readClassesFile(file);
            for (VideoSample s : samples) {
                if (classIndex(s.label(), classes) < 0) {
                    throw new AnnotationException(file, 0, "label " + AnnotationException.quote(s.label()) + " of " + s.path()
                            + " is not listed (nor a 0-based index into the " + classes.size()
                            + " classes); add it to " + CLASSES_FILE + " or fix the annotation");
                }
            }
            return classes;
        }
        return sortedLabels(samples);
    }

    /** Reads the dataset, then returns {@link #classes(Path, Collection)}. */
    public static List<String> classes(Path annotationsOrFolder) throws IOException {
        return classes(annotationsOrFolder, read(annotationsOrFolder));
    }

    /**
     * The index of {@code label} in {@code classes}: its position when listed, otherwise, for a
     * label that is a whole number {@code 0 <= n < classes.size()}, {@code n} (lists that give
     * class indices with a {@code classes.txt} of names); -1 when neither.
     */
    public static int classIndex(String label, List<String> classes) {
        int i = classes.indexOf(label);
        if (i >= 0) {
            return i;
        }
        if (isInteger(label)) {
            try {
                int n = Integer.parseInt(label.strip());
                return n >= 0 && n < classes.size() ? n : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /** The distinct labels, sorted numerically when all are integers, else by name. */
    static List<String> sortedLabels(Collection<VideoSample> samples) {
        Set<String> labels = new LinkedHashSet<>();
        for (VideoSample s : samples) {
            labels.add(s.label());
        }
        boolean numeric = !labels.isEmpty() && labels.stream().allMatch(DatasetReaders::isInteger);
        Comparator<String> order = numeric
                ? Comparator.comparing((String l) -> new java.math.BigInteger(l.strip())) : Comparator.naturalOrder();
        TreeSet<String> sorted = new TreeSet<>(order);
        sorted.addAll(labels);
        return List.copyOf(sorted);
    }

    private static List<String> readClassesFile(Path file) throws IOException {
        List<String> classes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                String name = stripBom(line, n).strip();
                if (name.isEmpty()) {
                    continue;
                }
                if (!seen.add(name)) {
                    throw new AnnotationException(file, n, "class " + AnnotationException.quote(name) + " is listed twice; list each class once");
                }
                classes.add(name);
            }
        }
        if (classes.isEmpty()) {
            throw new AnnotationException(file, 0, "lists no class; write one class name per line");
        }
        return List.copyOf(classes);
    }

    static boolean isInteger(String s) {
        return s != null && s.strip().matches("[+-]?\\d+");
    }

    /** Removes a UTF-8 byte order mark from the first line. */
    static String stripBom(String line, long lineNumber) {
        return lineNumber == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    /** The absolute, normalised dataset root: {@code options.root()} or {@code defaultRoot}. */
    static Path root(Options options, Path defaultRoot) {
        Path r = options.root() != null ? options.root() : defaultRoot;
        return r.toAbsolutePath().normalize();
    }

    /**
     * Resolves an annotation's path against {@code base}, refusing one that leaves {@code root}
     * (see {@link #requireInside}).
     *
     * @param file the annotation, for the error
     * @param line its line, for the error (0: none)
     */
    static Path resolveInside(Path base, String raw, Path root, Path file, long line) throws AnnotationException {
        if (raw == null || raw.isBlank()) {
            throw new AnnotationException(file, line, "empty video path; give the video file or frame folder");
        }
        Path p;
        try {
            p = base.toAbsolutePath().resolve(raw.strip()).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new AnnotationException(file, line, "invalid path " + AnnotationException.quote(raw) + " ("
                    + e.getReason() + ")", e);
        }
        requireInside(p, raw, root, file, line);
        return p;
    }

    /**
     * The dataset root check, the one place it is made: refuses {@code p} when its text leaves
     * {@code root} ({@code ../}, an absolute path elsewhere) or when, symlinks followed, its real
     * path lies outside the real path of {@code root} (a symlinked video or folder that leads out
     * of the dataset). A path that does not exist yet is judged by its deepest existing folder.
     *
     * @param p the absolute, normalised path
     * @param raw the path as the annotation wrote it, for the error
     * @param root the absolute, normalised dataset root
     * @param file the annotation or dataset folder, for the error
     * @param line its line, for the error (0: none)
     */
    public static void requireInside(Path p, String raw, Path root, Path file, long line) throws AnnotationException {
        if (!p.startsWith(root)) {
            throw new AnnotationException(file, line, "path " + AnnotationException.quote(raw) + " leaves the dataset root "
                    + root + "; keep videos inside the dataset folder (or set the dataset root to a folder that holds them)");
        }
        Path real = realPath(p);
        if (!real.startsWith(realPath(root))) {
            throw new AnnotationException(file, line, AnnotationException.quote(p.toString(), false)
                    + " resolves outside the dataset root " + root + " (through a symlink); it leads to "
                    + AnnotationException.quote(real.toString(), false) + ": copy the file into the dataset folder,"
                    + " or set the dataset root to a folder that holds it");
        }
    }

    /** The real path of {@code p}: of its deepest existing ancestor, with the rest appended. */
    static Path realPath(Path p) {
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(p)).normalize();
        } catch (IOException e) {
            return p; // unreadable: the decoder reports it; the text check above still holds
        }
    }

    /**
     * The project's split name for a dataset's: {@code training} is {@code train},
     * {@code validation}/{@code validate} are {@code val}, {@code testing} is {@code test}; any
     * other name is kept as written.
     */
    public static String normalizeSplit(String split) {
        if (split == null) {
            return "";
        }
        String s = split.strip();
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "train", "training" -> "train";
            case "val", "valid", "validation", "validate" -> "val";
            case "test", "testing" -> "test";
            default -> s;
        };
    }
}
