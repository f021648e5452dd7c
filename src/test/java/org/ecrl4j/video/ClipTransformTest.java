package org.ecrl4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClipTransformTest {
    /** A frame whose pixel (x, y) is (x, y, c) modulo 256: positions can be read back from values. */
    static RgbFrame coordinates(int w, int h, int c) {
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                px[i] = (byte) x;
                px[i + 1] = (byte) y;
                px[i + 2] = (byte) c;
            }
        }
        return new RgbFrame(w, h, px);
    }

    static List<RgbFrame> clip(int t, int w, int h) {
        List<RgbFrame> out = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            out.add(coordinates(w, h, i));
        }
        return out;
    }

    @Test
    void normaliseUsesModelMeanAndStdInNcthwOrder() {
        byte[] px = {(byte) 255, 0, (byte) 128, 10, 20, 30};
        ClipTensor t = ClipTransform.normalise(List.of(new RgbFrame(2, 1, px), new RgbFrame(2, 1, px.clone())));
        assertArrayEquals(new long[] {3, 2, 1, 2}, t.shape());
        assertEquals((1f - 0.486f) / 0.229f, t.get(0, 0, 0, 0), 1e-5);
        assertEquals((0f - 0.457f) / 0.224f, t.get(1, 0, 0, 0), 1e-5);
        assertEquals((128 / 255f - 0.407f) / 0.225f, t.get(2, 1, 0, 0), 1e-5);
        assertEquals((20 / 255f - 0.457f) / 0.224f, t.get(1, 1, 0, 1), 1e-5);
        // layout: ((c * T + t) * H + y) * W + x
        assertEquals(t.data()[((2 * 2 + 1) * 1 + 0) * 2 + 1], t.get(2, 1, 0, 1));
        assertEquals((30 / 255f - 0.407f) / 0.225f, t.data()[11], 1e-5);
    }

    @Test
    void resizeShorterSideKeepsAspect() {
        List<RgbFrame> out = ClipTransform.resizeShorterSide(List.of(RgbFrame.black(340, 256), RgbFrame.black(240, 426)), 128);
        assertEquals(170, out.get(0).width());
        assertEquals(128, out.get(0).height());
        assertEquals(128, out.get(1).width());
        assertEquals(227, out.get(1).height());
    }

    @Test
    void resizeOfAUniformFrameKeepsItsColour() {
        byte[] px = new byte[40 * 30 * 3];
        for (int i = 0; i < px.length; i += 3) {
            px[i] = 10;
            px[i + 1] = (byte) 200;
            px[i + 2] = 77;
        }
        RgbFrame r = Frames.resize(new RgbFrame(40, 30, px), 13, 11);
        assertEquals(13, r.width());
        assertEquals(10, r.get(6, 5, 0));
        assertEquals(200, r.get(12, 10, 1));
        assertEquals(77, r.get(0, 0, 2));
    }

    @Test
    void centreCropTakesTheMiddle() {
        RgbFrame f = ClipTransform.centreCrop(List.of(coordinates(100, 60, 0)), 20, 10).get(0);
        assertEquals(20, f.width());
        assertEquals(10, f.height());
        assertEquals(40, f.get(0, 0, 0));
        assertEquals(25, f.get(0, 0, 1));
        assertEquals(59, f.get(19, 9, 0));
    }

    @Test
    void randomCropIsOneBoxForTheClipAndSeeded() {
        List<RgbFrame> c = clip(4, 100, 60);
        List<RgbFrame> a = ClipTransform.randomCrop(c, 30, 20, new SplittableRandom(1));
        for (RgbFrame f : a) {
            assertEquals(a.get(0).get(0, 0, 0), f.get(0, 0, 0));
            assertEquals(a.get(0).get(0, 0, 1), f.get(0, 0, 1));
        }
        List<RgbFrame> b = ClipTransform.randomCrop(c, 30, 20, new SplittableRandom(1));
        assertArrayEquals(a.get(2).pixels(), b.get(2).pixels());
        int differing = 0;
        for (long s = 2; s < 10; s++) {
            RgbFrame o = ClipTransform.randomCrop(c, 30, 20, new SplittableRandom(s)).get(0);
            differing += o.get(0, 0, 0) != a.get(0).get(0, 0, 0) || o.get(0, 0, 1) != a.get(0).get(0, 0, 1) ? 1 : 0;
        }
        assertNotEquals(0, differing);
    }

    @Test
    void flipMirrorsRows() {
        RgbFrame f = Frames.flipHorizontal(coordinates(5, 2, 0));
        assertEquals(4, f.get(0, 0, 0));
        assertEquals(0, f.get(4, 1, 0));
        assertEquals(1, f.get(4, 1, 1));
    }

    @Test
    void rotationsMoveTheCornerPixel() {
        RgbFrame f = coordinates(4, 3, 0); // (0,0) holds x=0,y=0; (3,0) holds x=3
        RgbFrame cw = Frames.rotateClockwise(f, 90);
        assertEquals(3, cw.width());
        assertEquals(4, cw.height());
        assertEquals(0, cw.get(2, 0, 0)); // top-left goes to top-right
        assertEquals(3, cw.get(2, 3, 0)); // top-right goes to bottom-right
        RgbFrame ccw = Frames.rotateClockwise(f, 270);
        assertEquals(0, ccw.get(0, 3, 0)); // top-left goes to bottom-left
        assertEquals(3, ccw.get(0, 0, 0)); // top-right goes to top-left
        assertEquals(2, ccw.get(2, 3, 1)); // bottom-left goes to bottom-right
        RgbFrame half = Frames.rotateClockwise(f, 180);
        assertEquals(3, half.get(0, 0, 0));
        assertEquals(2, half.get(0, 0, 1));
        assertArrayEquals(f.pixels(), Frames.rotateClockwise(Frames.rotateClockwise(cw, 180), 90).pixels());
        assertThrows(IllegalArgumentException.class, () -> Frames.rotateClockwise(f, 45));
    }

    @Test
    void fullTransformGivesTheDeclaredShape() {
        ClipTransform tf = ClipTransform.square(32);
        ClipTensor eval = tf.apply(clip(8, 120, 80), false, 0);
        assertArrayEquals(new long[] {3, 8, 32, 32}, eval.shape());
        ClipTensor train1 = tf.apply(clip(8, 120, 80), true, 5);
        ClipTensor train2 = tf.apply(clip(8, 120, 80), true, 5);
        assertArrayEquals(train1.data(), train2.data());
    }

    @Test
    void ndArrayHelpersKeepTheShapeAndValues() {
        ClipTensor t = ClipTransform.square(16).apply(clip(4, 40, 30), false, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray one = t.toNDArray(m);
            assertEquals(new Shape(3, 4, 16, 16), one.getShape());
            assertArrayEquals(t.data(), one.toFloatArray());
            NDArray batch = ClipTensor.batchToNDArray(m, List.of(t, t));
            assertEquals(new Shape(2, 3, 4, 16, 16), batch.getShape());
            assertEquals(t.get(1, 2, 3, 4), batch.getFloat(1, 1, 2, 3, 4), 0f);
        }
    }
}
