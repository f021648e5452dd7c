package org.ecrl4j.video;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ecrl4j.data.VideoSample;

/**
 * A video stored as a folder of JPEG or PNG frames (as extracted by {@code ffmpeg -i V %05d.jpg}).
 * Frames are ordered by file name with digit runs compared as numbers ({@code f2.jpg} before
 * {@code f10.jpg}); the frame rate is {@link DecodeOptions#folderFps()}. Images are read with
 * OpenCV; every frame must have the size of the first.
 */
public final class FrameFolderReader implements VideoReader {
    private static final Pattern DIGITS = Pattern.compile("\\d+|\\D+");

    private final Path folder;
    private final List<Path> files;
    private final VideoInfo info;

    private FrameFolderReader(Path folder, List<Path> files, VideoInfo info) {
        this.folder = folder;
        this.files = files;
        this.info = info;
    }

    /**
     * Lists and probes a frame folder (reads its first image).
     *
     * @throws VideoException when the folder holds no JPEG/PNG file or the first cannot be read
     */
    public static FrameFolderReader open(Path folder, DecodeOptions options) {
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = new ArrayList<>(s.filter(Files::isRegularFile).filter(FrameFolderReader::isImage).toList());
        } catch (IOException e) {
            throw new VideoException(folder, "cannot list the frame folder: " + e.getMessage(), "check its permissions");
        }
        if (files.isEmpty()) {
            throw new VideoException(folder, "the folder holds no .jpg, .jpeg or .png frames",
                    "give a video file or a folder of extracted frames");
        }
        files.sort(Comparator.comparing((Path p) -> p.getFileName().toString(), FrameFolderReader::naturalCompare));
        RgbFrame first = load(files.get(0));
        VideoInfo info = new VideoInfo(folder, first.width(), first.height(), files.size(), options.folderFps(),
                files.size() / options.folderFps(), 0, 0, false, "images", Double.NaN);
        return new FrameFolderReader(folder, List.copyOf(files), info);
    }

    /** Whether a file name ends in .jpg, .jpeg or .png (any case). */
    public static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    static int naturalCompare(String a, String b) {
        Matcher ma = DIGITS.matcher(a);
        Matcher mb = DIGITS.matcher(b);
        while (ma.find() && mb.find()) {
            String ta = ma.group();
            String tb = mb.group();
            int c;
            if (Character.isDigit(ta.charAt(0)) && Character.isDigit(tb.charAt(0))) {
                c = new java.math.BigInteger(ta).compareTo(new java.math.BigInteger(tb));
            } else {
                c = ta.compareTo(tb);
            }
            if (c != 0) {
                return c;
            }
        }
        return a.compareTo(b);
    }

    private static RgbFrame load(Path file) {
        try (Mat bgr = imread(file.toString(), IMREAD_COLOR)) {
            if (bgr == null || bgr.empty()) {
                throw new VideoException(file, "not a readable JPEG/PNG image", "re-extract the frame or remove it");
            }
            try (Mat rgb = new Mat()) {
                cvtColor(bgr, rgb, COLOR_BGR2RGB);
                return Frames.fromMat(rgb);
            }
        }
    }

    @Override
    public VideoInfo info() {
        return info;
    }

    @Override
    public List<RgbFrame> read(int[] indices) {
        List<RgbFrame> out = new ArrayList<>(indices.length);
        java.util.Map<Integer, RgbFrame> cache = new java.util.HashMap<>();
        for (int i : indices) {
            if (i < 0 || i >= files.size()) {
                throw new IndexOutOfBoundsException("Frame " + i + " outside [0, " + files.size() + ") of " + folder);
            }
            RgbFrame f = cache.get(i);
            if (f == null) {
                f = load(files.get(i));
                if (f.width() != info.width() || f.height() != info.height()) {
                    throw new VideoException(files.get(i), "frame is " + f.width() + "x" + f.height()
                            + " but the folder's first frame is " + info.width() + "x" + info.height(),
                            "all frames of a folder must have one size");
                }
                cache.put(i, f);
                out.add(f);
            } else {
                out.add(f.copy());
            }
        }
        return out;
    }

    @Override
    public int[] frameRange(VideoSample.Segment segment) {
        int n = info.frameCount();
        if (segment == null) {
            return new int[] {0, n};
        }
        int from = Math.min(n, (int) Math.ceil(segment.startSeconds() * info.fps() - 1e-9));
        int to = Math.min(n, (int) Math.ceil(segment.endSeconds() * info.fps() - 1e-9));
        if (from >= to) {
            throw new VideoException(folder, "no frame lies in the segment [" + segment.startSeconds() + ", "
                    + segment.endSeconds() + "] s of " + n + " frames at " + info.fps() + " fps",
                    "check the annotation's segment");
        }
        return new int[] {from, to};
    }

    @Override
    public int verify() {
        for (int i = 0; i < files.size(); i++) {
            read(new int[] {i});
        }
        return files.size();
    }

    @Override
    public void close() {}
}
