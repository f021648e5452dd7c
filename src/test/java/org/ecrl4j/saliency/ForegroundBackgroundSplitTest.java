package org.ecrl4j.saliency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.ecrl4j.video.Frames;
import org.ecrl4j.video.RgbFrame;
import org.junit.jupiter.api.Test;

/** The split of MODEL.md 1.3 on hand-made maps, with answers worked out by hand. */
class ForegroundBackgroundSplitTest {
    static final int W = 10;
    static final int H = 8;

    /** A uniform frame of grey level {@code v}. */
    static RgbFrame uniform(int v) {
        byte[] px = new byte[W * H * 3];
        Arrays.fill(px, (byte) v);
        return new RgbFrame(W, H, px);
    }

    /** 255 on the block [bx, bx+3) x [by, by+3), 15 at (7, 1), 0 elsewhere. */
    static SaliencyMap blockMap(int bx, int by) {
        byte[] v = new byte[W * H];
        for (int y = by; y < by + 3; y++) {
            for (int x = bx; x < bx + 3; x++) {
                v[y * W + x] = (byte) 255;
            }
        }
        v[1 * W + 7] = 15;
        return new SaliencyMap(W, H, v);
    }

    @Test
    void paperSplitZeroesTheSalientPixelsAndCropsToTheBox() {
        RgbFrame v = uniform(100);
        SplitClip s = new ForegroundBackgroundSplit(SplitOptions.PAPER).split(List.of(v), List.of(blockMap(2, 3)));
        assertEquals(new Box(2, 1, 6, 5), s.boxes().get(0)); // x 2..7, y 1..5
        RgbFrame c = s.background().get(0);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                boolean block = x >= 2 && x < 5 && y >= 3 && y < 6;
                assertEquals(block ? 0 : 100, c.get(x, y, 1), "C at (" + x + "," + y + ")");
            }
        }
        RgbFrame fg = s.foreground().get(0);
        assertEquals(W, fg.width());
        assertEquals(H, fg.height());
        assertEquals(100, fg.get(0, 0, 0)); // no mask: the crop of a uniform frame stays uniform
        assertEquals(10, s.masks().get(0).count());
        assertTrue(s.masks().get(0).get(7, 1));
        assertFalse(s.masks().get(0).get(0, 0));
        assertFalse(s.fallback()[0]);
        assertArrayEquals(v.pixels(), s.whole().get(0).pixels());
    }

    @Test
    void foregroundMaskZeroesTheNonSalientPixelsOfTheBox() {
        SplitClip s = new ForegroundBackgroundSplit(SplitOptions.PAPER.with(CropMode.FRAME, true))
                .split(List.of(uniform(100)), List.of(blockMap(2, 3)));
        RgbFrame fg = s.foreground().get(0);
        assertEquals(0, fg.get(0, 0, 0)); // crop corner (2,1) has saliency 0
        assertEquals(100, fg.get(W - 1, 0, 0)); // crop corner (7,1) has saliency 15
        assertEquals(100, fg.get(0, H - 1, 0)); // crop corner (2,5) lies in the block
        // the exact S: the masked frame cropped and resized like Frames does
        RgbFrame masked = ForegroundBackgroundSplit.applyMask(uniform(100), s.masks().get(0));
        assertArrayEquals(Frames.resize(Frames.crop(masked, 2, 1, 6, 5), W, H).pixels(), fg.pixels());
    }

    @Test
    void clipCropUsesTheUnionOfTheBoxes() {
        List<RgbFrame> v = List.of(uniform(50), uniform(60));
        List<SaliencyMap> maps = List.of(blockMap(0, 4), blockMap(5, 2));
        SplitClip frame = new ForegroundBackgroundSplit(SplitOptions.PAPER).split(v, maps);
        assertEquals(new Box(0, 1, 8, 6), frame.boxes().get(0)); // x 0..7, y 1..6
        assertEquals(new Box(5, 1, 3, 4), frame.boxes().get(1)); // x 5..7, y 1..4
        SplitClip clip = new ForegroundBackgroundSplit(SplitOptions.PAPER.with(CropMode.CLIP, false)).split(v, maps);
        assertEquals(new Box(0, 1, 8, 6), clip.boxes().get(0));
        assertEquals(new Box(0, 1, 8, 6), clip.boxes().get(1));
    }

    @Test
    void nothingSalientFallsBackToTheFrameLessTwoPixels() {
        byte[] zeros = new byte[W * H];
        RgbFrame v = new RgbFrame(W, H, ramp());
        for (SplitOptions o : List.of(SplitOptions.PAPER, SplitOptions.PLUS)) {
            SplitClip s = new ForegroundBackgroundSplit(o).split(List.of(v), List.of(new SaliencyMap(W, H, zeros)));
            assertTrue(s.fallback()[0]);
            assertEquals(new Box(2, 2, 6, 4), s.boxes().get(0));
            assertArrayEquals(Frames.resize(Frames.crop(v, 2, 2, 6, 4), W, H).pixels(), s.foreground().get(0).pixels());
            assertArrayEquals(v.pixels(), s.background().get(0).pixels());
        }
    }

    @Test
    void thresholdsAreOptions() {
        SplitOptions low = new SplitOptions(10, 200, CropMode.FRAME, false, 2);
        SplitClip s = new ForegroundBackgroundSplit(low).split(List.of(uniform(100)), List.of(blockMap(2, 3)));
        assertEquals(0, s.background().get(0).get(7, 1, 0)); // saliency 15 >= 10: zeroed now
        assertEquals(new Box(2, 3, 3, 3), s.boxes().get(0)); // only the block is >= 200
        assertThrows(IllegalArgumentException.class, () -> new SplitOptions(256, 10, CropMode.FRAME, false, 2));
        assertThrows(IllegalArgumentException.class, () -> new SplitOptions(200, 0, CropMode.FRAME, false, 2));
        assertThrows(IllegalArgumentException.class, () -> CropMode.parse("video"));
        assertEquals(CropMode.CLIP, CropMode.parse("Clip"));
    }

    @Test
    void mapsMustMatchTheFrames() {
        ForegroundBackgroundSplit split = new ForegroundBackgroundSplit(SplitOptions.PAPER);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> split.split(List.of(uniform(1)), List.of(new SaliencyMap(3, 3, new byte[9]))));
        assertTrue(e.getMessage().contains("3x3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> split.split(List.of(uniform(1)), List.of()));
    }

    private static byte[] ramp() {
        byte[] px = new byte[W * H * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 7);
        }
        return px;
    }
}
