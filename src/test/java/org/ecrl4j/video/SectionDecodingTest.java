package org.ecrl4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.ecrl4j.data.Npy;
import org.ecrl4j.data.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fast paths of {@link FfmpegVideoReader} give exactly the frames of a plain decode: skipping
 * unwanted non-reference frames, and decoding the sections between keyframes in parallel, on the
 * real fixture files and on a lossless file whose pixels are known.
 */
class SectionDecodingTest {
    static final Path VIDEOS = FfmpegVideoReaderTest.VIDEOS;

    private static int[][] indexSets(int n) {
        return new int[][] {
            FrameSampler.segment(8).sample(n, false, 0),
            FrameSampler.segment(8).sample(n, true, 7),
            FrameSampler.segment(16).sample(n, true, 3),
            {n - 1, 0, n / 2, n / 2 - 1, n - 1, 1},
        };
    }

    private static void assertFrames(List<RgbFrame> truth, int[] idx, List<RgbFrame> got, String what) {
        assertEquals(idx.length, got.size(), what);
        for (int i = 0; i < idx.length; i++) {
            assertArrayEquals(truth.get(idx[i]).pixels(), got.get(i).pixels(), what + ", frame " + idx[i]);
        }
    }

    /**
     * Skipping the non-reference frames nobody asked for changes no kept frame, and decodes fewer
     * frames where there are some (the H.264 MP4 has non-reference B-frames; the Matroska clip and
     * the AVI have none that the decoder may drop).
     */
    @ParameterizedTest
    @CsvSource({"h264_340x256_300f.mp4, true", "flipping_pancake.mkv, false", "xvid_320x240_164f.avi, false"})
    void skippingNonReferenceFramesKeepsTheFrames(String name, boolean skips) {
        try (FfmpegVideoReader r = FfmpegVideoReader.open(VIDEOS.resolve(name), DecodeOptions.DEFAULTS)) {
            List<RgbFrame> truth = r.readAllSequentially();
            r.sectionWorkers(1);
            for (int[] idx : indexSets(r.info().frameCount())) {
                r.skipNonReference(false);
                List<RgbFrame> plain = r.read(idx);
                long plainDecoded = r.lastReadDecodedFrames();
                r.skipNonReference(true);
                List<RgbFrame> skipped = r.read(idx);
                long skippedDecoded = r.lastReadDecodedFrames();
                assertFrames(truth, idx, plain, name + " without skipping");
                assertFrames(truth, idx, skipped, name + " skipping non-reference frames");
                if (skips) {
                    assertTrue(skippedDecoded < plainDecoded, name + ": skipping decoded " + skippedDecoded
                            + " frames, not fewer than the " + plainDecoded + " without");
                }
            }
        }
    }

    /** Sections decoded in parallel (2 or 3 at once, each by its own decoder) give the sequential frames. */
    @ParameterizedTest
    @CsvSource({"h264_340x256_300f.mp4", "flipping_pancake.mkv"})
    void parallelSectionsGiveTheSequentialFrames(String name) {
        try (FfmpegVideoReader r = FfmpegVideoReader.open(VIDEOS.resolve(name), DecodeOptions.DEFAULTS)) {
            List<RgbFrame> truth = r.readAllSequentially();
            int parallelReads = 0;
            for (int workers : new int[] {1, 2, 3}) {
                r.sectionWorkers(workers);
                for (int[] idx : indexSets(r.info().frameCount())) {
                    List<RgbFrame> got = r.read(idx);
                    assertFrames(truth, idx, got, name + " with " + workers + " section workers");
                    assertEquals(Math.min(workers, r.lastReadSections()), r.lastReadWorkers());
                    parallelReads += r.lastReadWorkers() >= 2 ? 1 : 0;
                }
            }
            assertTrue(parallelReads >= 4, name + ": only " + parallelReads + " reads went in parallel");
        }
    }

    /** A lossless file with a keyframe every 5 frames: parallel sections give exactly the written pixels. */
    @Test
    void parallelSectionsOfALosslessFileAreExact(@TempDir Path dir) throws Exception {
        List<RgbFrame> frames = LosslessRoundTripTest.noiseFrames(90, 5);
        Path dense = dir.resolve("dense.mkv");
        LosslessRoundTripTest.writeFfv1(dense, frames, 5);
        try (FfmpegVideoReader r = FfmpegVideoReader.open(dense, new DecodeOptions(0, 60, 2, 30))) {
            for (int[] idx : indexSets(90)) {
                assertFrames(frames, idx, r.read(idx), "default budget of 2 threads");
                assertTrue(r.lastReadWorkers() == 2, "2 threads decode 2 sections at once, got " + r.lastReadWorkers());
            }
            r.sectionWorkers(4);
            int[] idx = FrameSampler.segment(8).sample(90, false, 0); // 5 16 28 39 50 61 73 84
            assertFrames(frames, idx, r.read(idx), "4 section workers");
            assertEquals(8, r.lastReadSections());
            assertEquals(4, r.lastReadWorkers());
        }
    }

    /** The floor counts the frames from each wanted frame's keyframe to the last wanted frame of that interval. */
    @Test
    void decodeFloorIsTheFramesFromEachKeyframe(@TempDir Path dir) throws Exception {
        List<RgbFrame> frames = LosslessRoundTripTest.noiseFrames(60, 9);
        Path dense = dir.resolve("dense.mkv");
        Path sparse = dir.resolve("sparse.mkv");
        LosslessRoundTripTest.writeFfv1(dense, frames, 5);
        LosslessRoundTripTest.writeFfv1(sparse, frames, 60);
        try (FfmpegVideoReader r = FfmpegVideoReader.open(dense, DecodeOptions.DEFAULTS)) {
            // keyframe 10: frames 10-13; keyframe 45: frames 45-47 (FFV1 has no non-reference frames)
            assertEquals(7, r.decodeFloor(new int[] {13, 12, 47}));
        }
        try (FfmpegVideoReader r = FfmpegVideoReader.open(sparse, DecodeOptions.DEFAULTS)) {
            assertEquals(51, r.decodeFloor(new int[] {10, 50}));
        }
    }

    /** Damage found by a section worker is the one clear error of the sequential path. */
    @Test
    void damageInAParallelSectionGivesOneClearError() {
        Path bad = VIDEOS.resolve("corrupted.mp4");
        String sequential;
        try (FfmpegVideoReader r = FfmpegVideoReader.open(bad, DecodeOptions.DEFAULTS)) {
            r.sectionWorkers(1);
            int[] idx = FrameSampler.segment(8).sample(r.info().frameCount(), false, 0);
            sequential = assertThrows(VideoException.class, () -> r.read(idx)).getMessage();
        }
        try (FfmpegVideoReader r = FfmpegVideoReader.open(bad, DecodeOptions.DEFAULTS)) {
            r.sectionWorkers(2);
            int[] idx = FrameSampler.segment(8).sample(r.info().frameCount(), false, 0);
            String parallel = assertThrows(VideoException.class, () -> r.read(idx)).getMessage();
            assertTrue(parallel.contains("corrupted.mp4") && parallel.contains("damaged video stream"), parallel);
            assertTrue(sequential.contains("damaged video stream"), sequential);
        }
    }

    /**
     * A width that is not a multiple of 8 (340): the last columns are PyAV's (Debian's FFmpeg
     * swscale), in every decoder of the reader. swscale's x86 code leaves a row's last w % 8 pixels
     * unwritten when the row stride has no room for a whole block of 8, so they would hold whatever
     * the buffer held (each decoder of a parallel read has its own buffer).
     */
    @Test
    void lastColumnsOfAnOddWidthAreConverted() throws Exception {
        NpyArray ref = Npy.read(Path.of("src/test/resources/fixtures/parity/h264_340x256_edges.npy"));
        assertArrayEquals(new long[] {2, 256, 8, 3}, ref.shape());
        float[] want = ref.toFloatArray();
        int[] idx = {18, 281};
        for (int workers : new int[] {1, 2}) {
            try (FfmpegVideoReader r = FfmpegVideoReader.open(VIDEOS.resolve("h264_340x256_300f.mp4"), DecodeOptions.DEFAULTS)) {
                r.sectionWorkers(workers);
                List<RgbFrame> got = r.read(idx);
                for (int f = 0; f < idx.length; f++) {
                    byte[] px = got.get(f).pixels();
                    for (int y = 0; y < 256; y++) {
                        for (int x = 0; x < 8; x++) {
                            for (int c = 0; c < 3; c++) {
                                int ours = px[(y * 340 + 332 + x) * 3 + c] & 0xff;
                                int theirs = (int) want[((f * 256 + y) * 8 + x) * 3 + c];
                                assertEquals(theirs, ours, "frame " + idx[f] + " row " + y + " column " + (332 + x)
                                        + " channel " + c + " with " + workers + " workers");
                            }
                        }
                    }
                }
            }
        }
    }
}
