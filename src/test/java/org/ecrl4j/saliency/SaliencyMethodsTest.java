package org.ecrl4j.saliency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.ecrl4j.video.RgbFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Saliency methods on synthetic frames with a known object on a plain and on a textured background. */
class SaliencyMethodsTest {
    static final int OY = 40;

    static boolean inObject(int x, int y, int ox) {
        return x >= ox && x < ox + SyntheticClips.OBJECT && y >= OY && y < OY + SyntheticClips.OBJECT;
    }

    static boolean black(RgbFrame f, int x, int y) {
        return f.get(x, y, 0) == 0 && f.get(x, y, 1) == 0 && f.get(x, y, 2) == 0;
    }

    static RgbFrame background(String name) {
        return name.equals("plain") ? SyntheticClips.plain() : SyntheticClips.textured();
    }

    /** Motion saliency over a clip: the box is the object's, and C has exactly the object zeroed. */
    @ParameterizedTest
    @CsvSource({"plain, 0", "plain, 3", "textured, 0", "textured, 3"})
    void motionFindsTheMovingObject(String bg, int noise) {
        List<RgbFrame> clip = SyntheticClips.slide(background(bg), 8, OY, noise);
        try (SaliencyMethod m = SaliencyMethods.create("motion")) {
            SplitClip s = new ForegroundBackgroundSplit(SplitOptions.PAPER).split(clip, m, ClipSource.UNKNOWN);
            for (int i = 0; i < 8; i++) {
                int ox = SyntheticClips.objectX(i, 8);
                Box object = new Box(ox, OY, SyntheticClips.OBJECT, SyntheticClips.OBJECT);
                Box box = s.boxes().get(i);
                assertTrue(box.contains(object), "frame " + i + ": box " + box + " must cover " + object);
                assertTrue(box.width() <= SyntheticClips.OBJECT + 4 && box.height() <= SyntheticClips.OBJECT + 4,
                        "frame " + i + ": box " + box + " must be tight");
                int zeroedIn = 0;
                int zeroedOut = 0;
                for (int y = 0; y < SyntheticClips.SIZE; y++) {
                    for (int x = 0; x < SyntheticClips.SIZE; x++) {
                        boolean z = black(s.background().get(i), x, y);
                        if (inObject(x, y, ox)) {
                            zeroedIn += z ? 1 : 0;
                        } else {
                            zeroedOut += z ? 1 : 0;
                        }
                    }
                }
                assertTrue(zeroedIn >= 0.97 * 576, "frame " + i + ": only " + zeroedIn + " of 576 object pixels zeroed");
                assertTrue(zeroedOut <= 10, "frame " + i + ": " + zeroedOut + " background pixels zeroed");
                assertTrue(s.masks().get(i).count() >= 0.97 * 576);
                assertTrue(!s.fallback()[i]);
            }
        }
    }

    @Test
    void motionOfAStaticClipIsNothingSoTheSplitFallsBack() {
        RgbFrame still = SyntheticClips.withObject(SyntheticClips.textured(), 30, OY, 0, 0);
        List<RgbFrame> clip = List.of(still, still.copy(), still.copy(), still.copy());
        SplitClip s = new ForegroundBackgroundSplit(SplitOptions.PAPER).split(clip, MotionSaliency.DEFAULT,
                ClipSource.UNKNOWN);
        for (int i = 0; i < 4; i++) {
            assertTrue(s.fallback()[i]);
            assertEquals(new Box(2, 2, 108, 108), s.boxes().get(i));
            assertEquals(0, s.masks().get(i).count());
        }
    }

    /**
     * Static methods on one frame: the box covers the object and the object stands out (mean
     * saliency inside at least 1.5 times that outside; a larger share of object than of background
     * pixels zeroed in C). With the paper's thresholds their maps are too diffuse for a tight box.
     */
    @ParameterizedTest
    @CsvSource({"spectral, plain", "spectral, textured", "fine-grained, plain", "fine-grained, textured"})
    void staticMethodsSeeTheObject(String method, String bg) {
        int ox = 38;
        RgbFrame frame = SyntheticClips.withObject(background(bg), ox, OY, 0, 0);
        try (SaliencyMethod m = SaliencyMethods.create(method)) {
            assertInstanceOf(OpenCvStaticSaliency.class, m);
            SaliencyMap map = m.compute(List.of(frame)).get(0);
            assertEquals(SyntheticClips.SIZE, map.width());
            SplitClip s = new ForegroundBackgroundSplit(SplitOptions.PAPER).split(List.of(frame), List.of(map));
            assertTrue(s.boxes().get(0).contains(new Box(ox, OY, SyntheticClips.OBJECT, SyntheticClips.OBJECT)),
                    "box " + s.boxes().get(0));
            long in = 0;
            long out = 0;
            int zIn = 0;
            int zOut = 0;
            for (int y = 0; y < SyntheticClips.SIZE; y++) {
                for (int x = 0; x < SyntheticClips.SIZE; x++) {
                    boolean z = black(s.background().get(0), x, y);
                    if (inObject(x, y, ox)) {
                        in += map.get(x, y);
                        zIn += z ? 1 : 0;
                    } else {
                        out += map.get(x, y);
                        zOut += z ? 1 : 0;
                    }
                }
            }
            int outCount = SyntheticClips.SIZE * SyntheticClips.SIZE - 576;
            double meanIn = in / 576.0;
            double meanOut = (double) out / outCount;
            assertTrue(meanIn >= 1.5 * meanOut, method + " on " + bg + ": mean inside " + meanIn + ", outside " + meanOut);
            assertTrue(zIn > 0 && (double) zIn / 576 > (double) zOut / outCount,
                    method + " on " + bg + ": zeroed " + zIn + " object and " + zOut + " background pixels");
        }
    }

    @Test
    void factoryParsesNamesAndRefusesUnknownOnes() {
        assertEquals("spectral", SaliencyMethods.create(SaliencyMethods.DEFAULT).name());
        assertEquals("fine-grained", SaliencyMethods.create(" fine-grained ").name());
        assertEquals("motion", SaliencyMethods.create("motion").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SaliencyMethods.create("sobel"));
        assertTrue(e.getMessage().contains("sobel") && e.getMessage().contains("motion"), e.getMessage());
        IllegalArgumentException noFile = assertThrows(IllegalArgumentException.class, () -> SaliencyMethods.create("model:"));
        assertTrue(noFile.getMessage().contains("model:PATH"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SaliencyMethods.create("model:/no/such/file.pt"));
        assertTrue(missing.getMessage().contains("/no/such/file.pt"), missing.getMessage());
    }

    @Test
    void onnxModelsAreRefusedWithTheFix(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path onnx = java.nio.file.Files.writeString(dir.resolve("sal.onnx"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SaliencyMethods.create("model:" + onnx));
        assertTrue(e.getMessage().contains("sal.onnx") && e.getMessage().contains("TorchScript"), e.getMessage());
    }

    @Test
    void anotherMethodCanBeRegistered() {
        SaliencyMethods.register("constant-test", arg -> new SaliencyMethod() {
            @Override
            public String name() {
                return "constant-test:" + arg;
            }

            @Override
            public List<SaliencyMap> compute(List<RgbFrame> frames, ClipSource source) {
                int v = Integer.parseInt(arg);
                return frames.stream().map(f -> {
                    byte[] b = new byte[f.width() * f.height()];
                    java.util.Arrays.fill(b, (byte) v);
                    return new SaliencyMap(f.width(), f.height(), b);
                }).toList();
            }
        });
        SaliencyMethod m = SaliencyMethods.create("constant-test:77");
        assertEquals("constant-test:77", m.name());
        assertEquals(77, m.compute(List.of(RgbFrame.black(4, 4))).get(0).get(3, 3));
        assertTrue(SaliencyMethods.names().contains("constant-test"));
    }

    @Test
    void modelMethodRefusesFilesThatAreNotModelsOrBreakTheContract() {
        Path notModel = Path.of("src/test/resources/fixtures/torchscript/not_a_model.pt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SaliencyMethods.create("model:" + notModel));
        assertTrue(e.getMessage().contains("not_a_model.pt") && e.getMessage().contains("TorchScript"), e.getMessage());
        // a real TorchScript file with another contract ((N,3,T,H,W) -> (N,T,32)): one clear error
        Path backbone = Path.of("src/test/resources/fixtures/torchscript/tiny_video_backbone.pt");
        try (SaliencyMethod m = SaliencyMethods.create("model:" + backbone)) {
            IllegalStateException bad = assertThrows(IllegalStateException.class,
                    () -> m.compute(List.of(RgbFrame.black(16, 16))));
            assertTrue(bad.getMessage().contains("tiny_video_backbone.pt") && bad.getMessage().contains("(1, 3, H, W)"),
                    bad.getMessage());
        }
    }
}
