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
 * ones are all decoded. Exits 0 unless {@code --strict} is given and a file is bad.
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
        List<Path> videos = videosOf(input);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DecodeOptions options = DecodeOptions.DEFAULTS.withTimeoutSeconds(timeoutSeconds);
        int bad = 0;
        int i = 0;
        for (Path video : videos) {
            i++;
            err.printf("[%d/%d] %s%n", i, videos.size(), video);
            err.flush();
            try (VideoReader r = VideoReader.open(video, options)) {
                int frames = r.verify();
                VideoInfo info = r.info();
                out.printf("ok   %s  %dx%d  %d frames  %.3f fps  %.2f s%n", video, info.width(), info.height(), frames,
                        info.fps(), info.durationSeconds());
            } catch (RuntimeException e) {
                bad++;
                String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                out.printf("BAD  %s%n", msg.startsWith(video.toString()) ? msg : video + ": " + msg);
            }
            out.flush();
        }
        out.printf("%d videos checked, %d good, %d bad%n", videos.size(), videos.size() - bad, bad);
        out.flush();
        return strict && bad > 0 ? 1 : 0;
    }

    /** The videos to check: a folder's video files and frame folders, one file, or an annotation's entries. */
    List<Path> videosOf(Path in) throws IOException {
        if (!Files.exists(in)) {
            throw new ParameterException(spec.commandLine(), in + ": no such folder or file");
        }
        if (Files.isDirectory(in)) {
            return scan(in);
        }
        if (isVideoFile(in)) {
            return List.of(in);
        }
        return annotationVideos(in, root);
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

    /** Video files (by extension) and frame folders (folders holding JPEG/PNG files) under a folder, sorted. */
    static List<Path> scan(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                if (Files.isRegularFile(p) && isVideoFile(p)) {
                    out.add(p);
                } else if (Files.isDirectory(p) && holdsFrames(p)) {
                    out.add(p);
                }
            }
        }
        return out;
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
