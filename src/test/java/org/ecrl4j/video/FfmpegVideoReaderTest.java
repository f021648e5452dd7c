package org.ecrl4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.ecrl4j.data.VideoSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding the real files of src/test/resources/fixtures/videos against the facts of its README. */
class FfmpegVideoReaderTest {
    static final Path VIDEOS = Path.of("src/test/resources/fixtures/videos");

    @ParameterizedTest
    @CsvSource({
        "h264_340x256_300f.mp4, 340, 256, 30, 300, 10.0",
        "xvid_320x240_164f.avi, 320, 240, 25, 164, 6.56",
        "flipping_pancake.mkv, 426, 240, 30, 310, 10.333",
        "rotated_90.mov, 320, 568, 30, 3, 0.1",
    })
    void fixtureHasTheFactsOfItsReadme(String name, int width, int height, double fps, int frames, double seconds) {
        try (VideoReader r = VideoReader.open(VIDEOS.resolve(name))) {
            VideoInfo info = r.info();
            assertEquals(width, info.width(), "width");
            assertEquals(height, info.height(), "height");
            assertEquals(fps, info.fps(), 1e-6, "fps");
            assertEquals(frames, info.frameCount(), "frame count");
            assertEquals(seconds, info.durationSeconds(), 0.01, "duration");
            assertFalse(info.variableFrameRate());
            int[] idx = FrameSampler.segment(8).sample(info.frameCount(), false, 0);
            List<RgbFrame> clip = r.read(idx);
            assertEquals(8, clip.size());
            for (RgbFrame f : clip) {
                assertEquals(width, f.width());
                assertEquals(height, f.height());
            }
            assertEquals(frames, r.verify(), "every frame decodes");
        }
    }

    @Test
    void rotatedVideoComesOutUpright() {
        try (VideoReader r = VideoReader.open(VIDEOS.resolve("rotated_90.mov"))) {
            assertEquals(90, r.info().rotationDegrees());
            RgbFrame f = r.read(new int[] {0}).get(0);
            assertEquals(320, f.width());
            assertEquals(568, f.height());
        }
    }

    @Test
    void corruptedVideoFailsWithOneClearError() {
        Path p = VIDEOS.resolve("corrupted.mp4");
        VideoException e = assertThrows(VideoException.class, () -> {
            try (VideoReader r = VideoReader.open(p)) {
                r.read(FrameSampler.segment(8).sample(r.info().frameCount(), false, 0));
            }
        });
        assertTrue(e.getMessage().contains("corrupted.mp4"), e.getMessage());
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
        assertEquals(p, e.path());
        try (VideoReader r = VideoReader.open(p)) {
            assertThrows(VideoException.class, r::verify);
        }
    }

    @Test
    void toleratedErrorsLetTheCorruptedVideoDecode() {
        DecodeOptions lenient = new DecodeOptions(1000, 60, 0, 30);
        try (VideoReader r = VideoReader.open(VIDEOS.resolve("corrupted.mp4"), lenient)) {
            assertEquals(1280, r.read(new int[] {0}).get(0).width());
        }
    }

    /** The sampling path (seeks, skipped non-reference frames) gives the frames of a plain decode. */
    @ParameterizedTest
    @CsvSource({"h264_340x256_300f.mp4", "flipping_pancake.mkv", "xvid_320x240_164f.avi"})
    void sampledFramesEqualTheSequentialDecode(String name) {
        try (FfmpegVideoReader r = FfmpegVideoReader.open(VIDEOS.resolve(name), DecodeOptions.DEFAULTS)) {
            List<RgbFrame> all = r.readAllSequentially();
            int n = r.info().frameCount();
            int[][] sets = {
                FrameSampler.segment(8).sample(n, false, 0),
                FrameSampler.segment(8).sample(n, true, 42),
                {n - 1, 0, 150 % n, 149 % n, n - 1},
            };
            for (int[] idx : sets) {
                List<RgbFrame> got = r.read(idx);
                for (int i = 0; i < idx.length; i++) {
                    assertArrayEquals(all.get(idx[i]).pixels(), got.get(i).pixels(), name + " frame " + idx[i]);
                }
            }
        }
    }

    @Test
    void segmentRestrictsTheFrames() {
        try (VideoReader r = VideoReader.open(VIDEOS.resolve("h264_340x256_300f.mp4"))) {
            assertArrayEquals(new int[] {60, 120}, r.frameRange(new VideoSample.Segment(2.0, 4.0)));
            assertArrayEquals(new int[] {0, 300}, r.frameRange(null));
            assertArrayEquals(new int[] {270, 300}, r.frameRange(new VideoSample.Segment(9.0, 30.0)));
            int[] idx = ClipReader.indices(r, new VideoSample.Segment(2.0, 4.0), FrameSampler.segment(4), false, 0);
            assertArrayEquals(new int[] {67, 82, 97, 112}, idx);
            VideoException e = assertThrows(VideoException.class,
                    () -> r.frameRange(new VideoSample.Segment(20.0, 30.0)));
            assertTrue(e.getMessage().contains("segment"), e.getMessage());
        }
    }

    @Test
    void shortVideoRepeatsFrames() {
        try (VideoReader r = VideoReader.open(VIDEOS.resolve("rotated_90.mov"))) {
            int[] idx = FrameSampler.segment(8).sample(r.info().frameCount(), false, 0);
            assertArrayEquals(new int[] {0, 0, 0, 1, 1, 2, 2, 2}, idx);
            List<RgbFrame> clip = r.read(idx);
            assertArrayEquals(clip.get(0).pixels(), clip.get(2).pixels());
            assertFalse(Arrays.equals(clip.get(0).pixels(), clip.get(7).pixels()));
        }
    }

    @Test
    void badFilesGiveOneClearError(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.mp4");
        assertMessage(missing, "no such file");
        Path empty = Files.createFile(dir.resolve("empty.mp4"));
        assertMessage(empty, "empty");
        Path text = Files.writeString(dir.resolve("notes.mp4"), "this is not a video\n".repeat(50));
        assertMessage(text, "not a video");
        byte[] whole = Files.readAllBytes(VIDEOS.resolve("h264_340x256_300f.mp4"));
        Path truncated = Files.write(dir.resolve("truncated.mp4"), Arrays.copyOf(whole, whole.length / 3));
        VideoException e = assertThrows(VideoException.class, () -> {
            try (VideoReader r = VideoReader.open(truncated)) {
                r.verify();
            }
        });
        assertTrue(e.getMessage().startsWith(truncated.toString()), e.getMessage());
    }

    private static void assertMessage(Path p, String words) {
        VideoException e = assertThrows(VideoException.class, () -> VideoReader.open(p).close());
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }
}
