package org.ecrl4j.synth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.ecrl4j.util.AtomicFiles;
import org.ecrl4j.video.RgbFrame;

/**
 * Writes frames as an MP4 file through JavaCV's {@link FFmpegFrameRecorder}, atomically: the
 * encoder writes a temporary file next to the target, which is renamed over it once complete.
 *
 * <p>H.264 uses the natives' libopenh264 encoder in its quality mode with a bitrate far above what
 * tiny frames need and quantiser capped at {@value #H264_QMAX}, so small frames keep their detail;
 * MPEG-4 Part 2 uses FFmpeg's encoder at the best fixed quantiser. Both are YUV 4:2:0, every frame
 * is kept (no skipping) and the encoders run on one thread each (callers parallelise over videos),
 * which keeps the output deterministic.
 */
public final class Mp4Writer {
    /** Largest H.264 quantiser allowed (lower is better; 51 is the worst). */
    public static final int H264_QMAX = 18;

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private Mp4Writer() {}

    /** Writes {@code frames} (all the same size, even sides) to {@code target} at {@code fps}. */
    public static void write(Path target, List<RgbFrame> frames, double fps, VideoCodec codec) throws IOException {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("No frames to write to " + target);
        }
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        if (w % 2 != 0 || h % 2 != 0) {
            throw new IllegalArgumentException("Video frames need even sides for YUV 4:2:0, got " + w + "x" + h
                    + " for " + target);
        }
        Path abs = target.toAbsolutePath();
        Path tmp = AtomicFiles.createTemporary(abs);
        try {
            encode(tmp, frames, w, h, fps, codec);
            AtomicFiles.moveOver(tmp, abs);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void encode(Path file, List<RgbFrame> frames, int w, int h, double fps, VideoCodec codec)
            throws IOException {
        FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toString(), w, h, 0);
        rec.setFormat("mp4");
        rec.setFrameRate(fps);
        rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        rec.setGopSize(frames.size());
        rec.setVideoOption("threads", "1");
        if (codec == VideoCodec.H264) {
            rec.setVideoCodecName("libopenh264");
            rec.setVideoBitrate(8_000_000);
            rec.setVideoOption("rc_mode", "quality");
            rec.setVideoOption("allow_skip_frames", "0");
            rec.setVideoOption("qmax", Integer.toString(H264_QMAX));
        } else {
            rec.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            rec.setVideoQuality(1); // fixed quantiser 1: the best
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(w * h * 3);
        try {
            rec.start();
            for (RgbFrame f : frames) {
                if (f.width() != w || f.height() != h) {
                    throw new IllegalArgumentException("Frame of " + f.width() + "x" + f.height() + " in a video of "
                            + w + "x" + h + " (" + file + ")");
                }
                buf.clear();
                buf.put(f.pixels());
                buf.flip();
                rec.recordImage(w, h, Frame.DEPTH_UBYTE, 3, w * 3, avutil.AV_PIX_FMT_RGB24, buf);
            }
            rec.stop();
        } catch (FFmpegFrameRecorder.Exception e) {
            throw new IOException("Cannot encode " + codec.label() + " video " + file + ": " + e.getMessage(), e);
        } finally {
            rec.release();
        }
    }
}
