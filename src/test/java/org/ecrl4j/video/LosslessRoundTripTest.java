package org.ecrl4j.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_FFV1;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR0;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lossless video written during the test decodes back to exactly the same pixels. */
class LosslessRoundTripTest {
    static final int W = 64;
    static final int H = 48;

    /** Frames of seeded noise with the frame number in the first pixel, so no two frames are alike. */
    static List<RgbFrame> noiseFrames(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<RgbFrame> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[W * H * 3];
            for (int j = 0; j < px.length; j++) {
                px[j] = (byte) rng.nextInt(256);
            }
            px[0] = (byte) i;
            frames.add(new RgbFrame(W, H, px));
        }
        return frames;
    }

    /** Writes FFV1 in Matroska, keyframe every {@code gop} frames, through JavaCV's recorder. */
    static void writeFfv1(Path file, List<RgbFrame> frames, int gop) throws Exception {
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), W, H, 0)) {
            rec.setFormat("matroska");
            rec.setVideoCodec(AV_CODEC_ID_FFV1);
            rec.setPixelFormat(AV_PIX_FMT_BGR0);
            rec.setFrameRate(25);
            rec.setGopSize(gop);
            rec.start();
            for (RgbFrame f : frames) {
                Frame fr = new Frame(W, H, Frame.DEPTH_UBYTE, 3);
                ((ByteBuffer) fr.image[0]).put(f.pixels());
                rec.record(fr, AV_PIX_FMT_RGB24);
            }
            rec.stop();
        }
    }

    /** Variable frame rate: frames keep their order and pixels, and segments follow the real times. */
    @Test
    void variableFrameRateVideoIsIndexedByPresentationOrder(@TempDir Path dir) throws Exception {
        List<RgbFrame> frames = noiseFrames(20, 11);
        Path file = dir.resolve("vfr.mkv");
        long[] micros = new long[20];
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), W, H, 0)) {
            rec.setFormat("matroska");
            rec.setVideoCodec(AV_CODEC_ID_FFV1);
            rec.setPixelFormat(AV_PIX_FMT_BGR0);
            rec.setFrameRate(1000); // a fine time base; the real timing comes from the timestamps
            rec.start();
            long t = 0;
            for (int i = 0; i < 20; i++) {
                micros[i] = t;
                rec.setTimestamp(t);
                Frame fr = new Frame(W, H, Frame.DEPTH_UBYTE, 3);
                ((ByteBuffer) fr.image[0]).put(frames.get(i).pixels());
                rec.record(fr, AV_PIX_FMT_RGB24);
                t += i < 10 ? 40_000 : 100_000; // 25 fps, then 10 fps
            }
            rec.stop();
        }
        try (VideoReader r = VideoReader.open(file)) {
            assertEquals(20, r.info().frameCount());
            assertTrue(r.info().variableFrameRate());
            // frames 0-9 lie in [0, 0.4) s, frames 10-19 in [0.4, 1.4) s
            assertArrayEquals(new int[] {10, 15}, r.frameRange(new org.ecrl4j.data.VideoSample.Segment(0.4, 0.9)));
            int[] idx = {0, 9, 10, 19, 14};
            List<RgbFrame> got = r.read(idx);
            for (int i = 0; i < idx.length; i++) {
                assertArrayEquals(frames.get(idx[i]).pixels(), got.get(i).pixels(), "frame " + idx[i]);
            }
        }
    }

    @Test
    void sampledFramesAreExact(@TempDir Path dir) throws Exception {
        List<RgbFrame> frames = noiseFrames(90, 7);
        Path sparse = dir.resolve("sparse.mkv");
        Path dense = dir.resolve("dense.mkv");
        writeFfv1(sparse, frames, 90);
        writeFfv1(dense, frames, 5);
        for (Path p : List.of(sparse, dense)) {
            try (VideoReader r = VideoReader.open(p)) {
                assertEquals(90, r.info().frameCount(), p.toString());
                assertEquals(W, r.info().width());
                assertEquals(H, r.info().height());
                int[][] sets = {
                    FrameSampler.segment(8).sample(90, false, 0),
                    FrameSampler.segment(8).sample(90, true, 3),
                    FrameSampler.reference().sample(90, false, 0),
                    {89, 3, 3, 44},
                };
                for (int[] idx : sets) {
                    List<RgbFrame> got = r.read(idx);
                    for (int i = 0; i < idx.length; i++) {
                        assertArrayEquals(frames.get(idx[i]).pixels(), got.get(i).pixels(), p + " frame " + idx[i]);
                    }
                }
            }
        }
        // sampling 8 spread frames: one seek per frame with a keyframe every 5, one seek in all with one keyframe
        int[] spread = FrameSampler.segment(8).sample(90, false, 0);
        try (FfmpegVideoReader r = FfmpegVideoReader.open(dense, DecodeOptions.DEFAULTS)) {
            assertTrue(r.info().keyframeCount() >= 18, "dense keyframes: " + r.info().keyframeCount());
            r.read(spread);
            assertEquals(8, r.seekCount());
        }
        try (FfmpegVideoReader r = FfmpegVideoReader.open(sparse, DecodeOptions.DEFAULTS)) {
            assertEquals(1, r.info().keyframeCount());
            r.read(spread);
            assertEquals(1, r.seekCount());
        }
    }
}
