package org.ecrl4j.video;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ecrl4j.data.VideoSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameFolderReaderTest {
    static void writePng(Path file, RgbFrame f) {
        try (Mat rgb = Frames.toMat(f); Mat bgr = new Mat()) {
            cvtColor(rgb, bgr, COLOR_RGB2BGR);
            assertTrue(imwrite(file.toString(), bgr));
        }
    }

    @Test
    void pngFolderReadsBackExactlyInNaturalOrder(@TempDir Path dir) throws Exception {
        List<RgbFrame> frames = LosslessRoundTripTest.noiseFrames(12, 3);
        for (int i = 0; i < frames.size(); i++) {
            writePng(dir.resolve("frame" + (i + 1) + ".png"), frames.get(i)); // frame1 .. frame12
        }
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        try (VideoReader r = VideoReader.open(dir)) {
            assertEquals(12, r.info().frameCount());
            assertEquals(LosslessRoundTripTest.W, r.info().width());
            assertEquals("images", r.info().codec());
            int[] idx = {11, 1, 10, 1};
            List<RgbFrame> got = r.read(idx);
            for (int i = 0; i < idx.length; i++) {
                assertArrayEquals(frames.get(idx[i]).pixels(), got.get(i).pixels(), "frame " + idx[i]);
            }
            assertArrayEquals(new int[] {3, 6}, r.frameRange(new VideoSample.Segment(0.1, 0.2)));
            assertEquals(12, r.verify());
        }
    }

    @Test
    void badFoldersGiveOneClearError(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        VideoException e = assertThrows(VideoException.class, () -> VideoReader.open(empty));
        assertTrue(e.getMessage().contains("no .jpg"), e.getMessage());
        Path mixed = Files.createDirectory(dir.resolve("mixed"));
        writePng(mixed.resolve("a1.png"), RgbFrame.black(8, 8));
        writePng(mixed.resolve("a2.png"), RgbFrame.black(9, 8));
        Files.writeString(mixed.resolve("a3.png"), "not an image");
        try (VideoReader r = VideoReader.open(mixed)) {
            VideoException size = assertThrows(VideoException.class, () -> r.read(new int[] {1}));
            assertTrue(size.getMessage().contains("a2.png") && size.getMessage().contains("9x8"), size.getMessage());
            VideoException bad = assertThrows(VideoException.class, () -> r.read(new int[] {2}));
            assertTrue(bad.getMessage().contains("a3.png"), bad.getMessage());
        }
    }

    @Test
    void naturalOrderComparesNumbers() {
        assertTrue(FrameFolderReader.naturalCompare("f2.jpg", "f10.jpg") < 0);
        assertTrue(FrameFolderReader.naturalCompare("f010.jpg", "f9.jpg") > 0);
        assertTrue(FrameFolderReader.naturalCompare("a.jpg", "b.jpg") < 0);
    }
}
