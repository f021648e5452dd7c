package org.ecrl4j.video;

/**
 * How a {@link VideoReader} decodes.
 *
 * @param maxDecodeErrors how many decoding errors or damaged frames are tolerated before the file
 *     is refused (0: any damage refuses the file)
 * @param timeoutSeconds wall-clock budget for one {@code read} or {@code verify} call; a file that
 *     takes longer is refused as damaged, so a pathological file cannot stall a batch
 * @param threads decoder threads, 0 for FFmpeg's automatic choice
 * @param folderFps the frame rate assumed for a frame folder, which carries no timing
 */
public record DecodeOptions(int maxDecodeErrors, double timeoutSeconds, int threads, double folderFps) {
    /** No tolerated errors, 60 s per call, automatic threads, 30 fps for frame folders. */
    public static final DecodeOptions DEFAULTS = new DecodeOptions(0, 60, 0, 30);

    public DecodeOptions {
        if (maxDecodeErrors < 0) {
            throw new IllegalArgumentException("maxDecodeErrors must be >= 0, got " + maxDecodeErrors);
        }
        if (!(timeoutSeconds > 0)) {
            throw new IllegalArgumentException("timeoutSeconds must be > 0, got " + timeoutSeconds);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        if (!(folderFps > 0)) {
            throw new IllegalArgumentException("folderFps must be > 0, got " + folderFps);
        }
    }

    /** A copy with another decode timeout. */
    public DecodeOptions withTimeoutSeconds(double seconds) {
        return new DecodeOptions(maxDecodeErrors, seconds, threads, folderFps);
    }
}
