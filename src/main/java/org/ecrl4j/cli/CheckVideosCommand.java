package org.ecrl4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.ecrl4j.data.AnnotationException;
import org.ecrl4j.data.DatasetReaders;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.video.DecodeOptions;
import org.ecrl4j.video.FrameFolderReader;
import org.ecrl4j.video.VideoInfo;
import org.ecrl4j.video.VideoReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ecrl4j check-videos DIR|ANNOTATIONS [--strict] [--root DIR]}: decodes every frame of every video
 * (of a folder, or listed by an annotation file in any format {@link DatasetReaders} reads) and
 * reports each bad one (missing, empty, not a video, damaged, too slow) with its reason; the good
 * ones are all decoded. A video that decodes to more than 10% less than its header's duration is
 * reported as truncated (a warning; bad with {@code --strict}). In a folder, a symlink that leads
 * out of it is refused, and every file not checked is listed with the reason. Exits 0 unless
 * {@code --strict} is given and a file is bad.
 */
@Command(name = "check-videos", mixinStandardHelpOptions = true,
        description = "Decode every video of a folder (recursively) or an annotation file and report the bad ones.")
public final class CheckVideosCommand implements Callable<Integer> {
    /** File name extensions taken for videos when a folder is scanned. */
    static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "m4v", "mov", "avi", "mkv", "webm", "mpg", "mpeg",
            "flv", "wmv", "3gp", "ts", "mts", "ogv");

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR|ANNOTATIONS",
            description = "A folder scanned recursively for video files and frame folders, or an annotation file.")
    Path input;

    @Option(names = "--strict", description = "Exit with status 1 when any video is bad.")
    boolean strict;

    @Option(names = "--root", paramLabel = "DIR",
            description = "With an annotation file: the folder its paths may not leave (default: the annotation's folder).")
    Path root;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "Decoding time allowed per video before it counts as bad (default ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Override
    public Integer call() throws IOException {
        Scan scan = videosOf(input);
        List<Path> videos = scan.videos();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DecodeOptions options = DecodeOptions.DEFAULTS.withTimeoutSeconds(timeoutSeconds);
        for (String skipped : scan.skipped()) {
            out.println("skip " + skipped);
        }
        for (String refused : scan.refused()) {
            out.println("BAD  " + refused);
        }
        int bad = scan.refused().size();
        int truncated = 0;
        int i = 0;
        for (Path video : videos) {
            i++;
            err.printf("[%d/%d] %s%n", i, videos.size(), video);
            err.flush();
            try (VideoReader r = VideoReader.open(video, options)) {
                int frames = r.verify();
                VideoInfo info = r.info();
                // The decoded share of the probed duration (the probe counts the packets present).
                double decoded = info.durationSeconds() * frames / Math.max(1, info.frameCount());
                if (info.truncated(decoded)) {
                    truncated++;
                    bad += strict ? 1 : 0;
                    out.printf(Locale.ROOT, "%s %s: truncated: decodes to %.2f s of the %.2f s its header states"
                            + " (%d frames); the file was cut short (an interrupted download or copy?): fetch or copy it"
                            + " again%n", strict ? "BAD " : "WARN", video, decoded, info.headerDurationSeconds(), frames);
                } else {
                    out.printf("ok   %s  %dx%d  %d frames  %.3f fps  %.2f s%n", video, info.width(), info.height(),
                            frames, info.fps(), info.durationSeconds());
                }
            } catch (RuntimeException e) {
                bad++;
                String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                out.printf("BAD  %s%n", msg.startsWith(video.toString()) ? msg : video + ": " + msg);
            }
            out.flush();
        }
        int checked = videos.size() + scan.refused().size();
        out.printf("%d videos checked, %d good, %d bad%s%s%n", checked, checked - bad, bad,
                truncated > 0 ? ", " + truncated + " truncated" : "",
                scan.skipped().isEmpty() ? "" : "; " + scan.skipped().size() + " files not checked (listed as skip)");
        out.flush();
        return strict && bad > 0 ? 1 : 0;
    }

    /**
     * What to check.
     *
     * @param videos the videos and frame folders to decode
     * @param refused one line each for entries refused unchecked (a symlink out of the folder)
     * @param skipped one line each for files not checked, with the reason
     */
    record Scan(List<Path> videos, List<String> refused, List<String> skipped) {}

    /** The videos to check: a folder's video files and frame folders, one file, or an annotation's entries. */
    Scan videosOf(Path in) throws IOException {
        if (!Files.exists(in)) {
            throw new ParameterException(spec.commandLine(), in + ": no such folder or file");
        }
        if (Files.isDirectory(in)) {
            return scan(in);
        }
        if (isVideoFile(in)) {
            return new Scan(List.of(in), List.of(), List.of());
        }
        return new Scan(annotationVideos(in, root), List.of(), List.of());
    }

    /**
     * The distinct videos of an annotation file, in file order, read by {@link DatasetReaders#read}
     * (any of its formats); paths may not leave {@code root} ({@code null}: the annotation's folder).
     */
    static List<Path> annotationVideos(Path file, Path root) throws IOException {
        DatasetReaders.Options options = DatasetReaders.Options.defaults();
        if (root != null) {
            options = options.withRoot(root);
        }
        return DatasetReaders.read(file, options).stream().map(VideoSample::path).distinct().toList();
    }

    /**
     * Video files (by extension) and frame folders (folders holding JPEG/PNG files) under a folder,
     * sorted. Symlinks are not walked into; one that leads out of the folder is refused by the
     * dataset root check ({@link DatasetReaders#requireInside}); every other file that is not
     * checked is listed with the reason.
     */
    static Scan scan(Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        List<Path> videos = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Set<Path> frameFolders = new java.util.HashSet<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                if (p.equals(dir)) {
                    if (holdsFrames(p)) {
                        videos.add(p);
                        frameFolders.add(p);
                    }
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    Path abs = p.toAbsolutePath().normalize();
                    try {
                        DatasetReaders.requireInside(abs, abs.toString(), root, dir, 0);
                    } catch (AnnotationException e) {
                        refused.add(e.getMessage());
                        continue;
                    }
                }
                if (Files.isDirectory(p)) {
                    if (holdsFrames(p)) {
                        videos.add(p);
                        frameFolders.add(p);
                    } else if (Files.isSymbolicLink(p)) {
                        skipped.add(p + ": not checked: a symlinked folder is not walked into; check its target"
                                + " where it lies");
                    }
                } else if (Files.isRegularFile(p) && isVideoFile(p)) {
                    videos.add(p);
                } else if (!(frameFolders.contains(p.getParent()) && FrameFolderReader.isImage(p))) {
                    skipped.add(p + ": not checked: " + whyNot(p));
                }
            }
        }
        return new Scan(videos, refused, skipped);
    }

    /** Why a file found in a folder is not checked. */
    private static String whyNot(Path p) {
        if (!Files.isRegularFile(p)) {
            return "not a regular file (a broken symlink, a device or a pipe)";
        }
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        if (dot <= 0) {
            return "no file name ending; rename it to NAME.mp4 (or its format) if it is a video";
        }
        return AnnotationException.quote(n.substring(dot)) + " is not a video file ending; rename it if it is a video"
                + " (endings checked: " + String.join(" ", new java.util.TreeSet<>(VIDEO_EXTENSIONS)) + ")";
    }

    static boolean isVideoFile(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && VIDEO_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static boolean holdsFrames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> Files.isRegularFile(p) && FrameFolderReader.isImage(p));
        }
    }
}
