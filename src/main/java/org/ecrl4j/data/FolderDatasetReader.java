package org.ecrl4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads a folder-per-class dataset: {@code ROOT/CLASS/ITEM} or, when the root holds split
 * folders, {@code ROOT/SPLIT/CLASS/ITEM}. An item is a video file (by extension) or a frame
 * folder (a directory holding at least one JPEG/PNG/BMP image). Hidden entries are skipped, as are
 * other files; everything is listed in name order so the sample order is reproducible.
 */
final class FolderDatasetReader {
    private FolderDatasetReader() {}

    /** Top-level folder names taken as splits. */
    static final Set<String> SPLIT_FOLDERS = Set.of("train", "val", "test");

    /** File endings read as videos. */
    static final Set<String> VIDEO_EXTENSIONS = Set.of(
            "mp4", "avi", "mkv", "mov", "webm", "m4v", "mpg", "mpeg", "flv", "wmv", "3gp", "ts", "ogv");

    /** File endings of frames inside a frame folder. */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp");

    static List<VideoSample> read(Path folder, DatasetReaders.Options options) throws IOException {
        Path root = DatasetReaders.root(options, folder);
        Path dir = folder.toAbsolutePath().normalize();
        if (!dir.startsWith(root)) {
            throw new AnnotationException(folder, 0, "the dataset folder lies outside the dataset root " + root
                    + "; set the root to a folder that holds it");
        }
        Listing ls = new Listing(folder, root);
        List<Path> top = ls.list(dir, Files::isDirectory);
        boolean splits = top.stream().anyMatch(p -> SPLIT_FOLDERS.contains(name(p)));
        List<VideoSample> out = new ArrayList<>();
        if (splits) {
            for (Path p : top) {
                if (!SPLIT_FOLDERS.contains(name(p))) {
                    throw new AnnotationException(p, 0, "the dataset folder has split folders (train/val/test) and also "
                            + AnnotationException.quote(name(p)) + "; move it into a split folder, or split the dataset by class folders only");
                }
            }
            refuseLooseVideos(ls, dir);
            for (Path splitDir : top) {
                readClasses(ls, splitDir, name(splitDir), out);
            }
        } else {
            readClasses(ls, dir, "", out);
        }
        if (out.isEmpty()) {
            throw new AnnotationException(folder, 0, "no video file or frame folder found; lay the dataset out as"
                    + " ROOT/CLASS/VIDEO or ROOT/SPLIT/CLASS/VIDEO (video endings: " + new java.util.TreeSet<>(VIDEO_EXTENSIONS)
                    + ", or folders of JPEG/PNG frames)");
        }
        return out;
    }

    private static void readClasses(Listing ls, Path dir, String split, List<VideoSample> out) throws IOException {
        refuseLooseVideos(ls, dir);
        for (Path classDir : ls.list(dir, Files::isDirectory)) {
            String label = name(classDir);
            for (Path item : ls.list(classDir, p -> Files.isDirectory(p) ? isFrameFolder(p) : isVideo(p))) {
                out.add(new VideoSample(item, label, split, null, Map.of()));
            }
        }
    }

    private static void refuseLooseVideos(Listing ls, Path dir) throws IOException {
        for (Path f : ls.list(dir, Files::isRegularFile)) {
            if (isVideo(f)) {
                throw new AnnotationException(f, 0, "video is not inside a class folder; move it into "
                        + dir + "/CLASS/");
            }
        }
    }

    static boolean isVideo(Path p) {
        return VIDEO_EXTENSIONS.contains(extension(p)) && Files.isRegularFile(p);
    }

    static boolean isFrameFolder(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> IMAGE_EXTENSIONS.contains(extension(p)) && !name(p).startsWith("."));
        }
    }

    private static String extension(Path p) {
        String n = name(p);
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    private interface Filter {
        boolean test(Path p) throws IOException;
    }

    /** Lists a dataset folder's entries, each checked against the dataset root. */
    private record Listing(Path folder, Path root) {
        /**
         * The visible entries of {@code dir} that pass {@code filter}, sorted by name; an entry
         * that leads out of the root (a symlinked class folder or video) is refused.
         */
        List<Path> list(Path dir, Filter filter) throws IOException {
            List<Path> all;
            try (Stream<Path> s = Files.list(dir)) {
                all = s.filter(p -> !name(p).startsWith(".")).sorted().toList();
            }
            List<Path> out = new ArrayList<>();
            for (Path p : all) {
                if (filter.test(p)) {
                    Path abs = p.toAbsolutePath().normalize();
                    DatasetReaders.requireInside(abs, abs.toString(), root, folder, 0);
                    out.add(p);
                }
            }
            return out;
        }
    }
}
