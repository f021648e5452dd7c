package org.ecrl4j.video;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ecrl4j.data.VideoSample;

/**
 * Random access to the frames of one video file or frame folder. Frames are numbered 0 to
 * {@code info().frameCount() - 1} in presentation order. Not thread-safe: one reader per thread.
 */
public interface VideoReader extends AutoCloseable {
    /** What probing found. */
    VideoInfo info();

    /**
     * Decodes the frames at {@code indices} (any order, repeats allowed) and returns them in that
     * order; a repeated index gives equal frames.
     *
     * @throws VideoException when a frame cannot be decoded
     * @throws IndexOutOfBoundsException when an index is outside {@code [0, frameCount)}
     */
    List<RgbFrame> read(int[] indices);

    /**
     * The frames {@code [from, to)} whose presentation time lies in {@code segment}, in seconds from
     * the first frame; the whole video for {@code null}.
     *
     * @throws VideoException when no frame lies in the segment
     */
    int[] frameRange(VideoSample.Segment segment);

    /**
     * Decodes every frame without converting it, to check that the whole file is readable.
     *
     * @return the number of frames decoded
     * @throws VideoException when the file is damaged
     */
    int verify();

    @Override
    void close();

    /** Opens a video file (through FFmpeg) or a frame folder with the default options. */
    static VideoReader open(Path path) {
        return open(path, DecodeOptions.DEFAULTS);
    }

    /** Opens a video file (through FFmpeg) or a frame folder (a directory of JPEG/PNG files). */
    static VideoReader open(Path path, DecodeOptions options) {
        if (Files.isDirectory(path)) {
            return FrameFolderReader.open(path, options);
        }
        return FfmpegVideoReader.open(path, options);
    }
}
