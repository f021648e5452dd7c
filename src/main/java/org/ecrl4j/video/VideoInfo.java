package org.ecrl4j.video;

import java.nio.file.Path;

/**
 * What probing a video (or frame folder) found out, before any frame is decoded.
 *
 * @param path the file or folder
 * @param width display width in pixels, after the container's rotation is applied
 * @param height display height in pixels, after the container's rotation is applied
 * @param frameCount number of frames (counted from the packets, so exact even when the container
 *     states no duration)
 * @param fps frames per second: the stream's average rate, or frames / duration when the stream
 *     states none; for a frame folder the rate it was opened with
 * @param durationSeconds duration of the video stream, from the frame timestamps
 * @param rotationDegrees clockwise rotation applied to the stored frames (0, 90, 180 or 270)
 * @param keyframeCount number of keyframes (random access points); 0 for a frame folder, where
 *     every frame is independent
 * @param variableFrameRate whether the frame intervals differ
 * @param codec the codec name ({@code h264}, {@code mpeg4}, ...; {@code images} for a frame folder)
 * @param headerDurationSeconds the duration the container's header states (the video stream's,
 *     else the file's); {@code NaN} when it states none (and for a frame folder)
 */
public record VideoInfo(
        Path path,
        int width,
        int height,
        int frameCount,
        double fps,
        double durationSeconds,
        int rotationDegrees,
        int keyframeCount,
        boolean variableFrameRate,
        String codec,
        double headerDurationSeconds) {

    /** A decoded duration shorter than the header's by more than this fraction means a truncated file. */
    public static final double TRUNCATION_TOLERANCE = 0.10;

    /**
     * Whether {@code decodedSeconds} falls short of {@link #headerDurationSeconds} by more than
     * {@link #TRUNCATION_TOLERANCE} (false when the header states no duration): the file was cut,
     * e.g. by an interrupted download, after its header was written.
     */
    public boolean truncated(double decodedSeconds) {
        return headerDurationSeconds > 0 && decodedSeconds < headerDurationSeconds * (1 - TRUNCATION_TOLERANCE);
    }
}
