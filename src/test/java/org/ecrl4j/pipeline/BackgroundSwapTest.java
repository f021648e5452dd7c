package org.ecrl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.ecrl4j.saliency.SaliencyMap;
import org.ecrl4j.video.RgbFrame;
import org.junit.jupiter.api.Test;

class BackgroundSwapTest {
    static RgbFrame flat(int w, int h, int r, int g, int b) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[3 * i] = (byte) r;
            px[3 * i + 1] = (byte) g;
            px[3 * i + 2] = (byte) b;
        }
        return new RgbFrame(w, h, px);
    }

    @Test
    void foregroundOfAOnBackgroundOfB() {
        RgbFrame a = flat(4, 3, 200, 10, 10);
        RgbFrame b = flat(4, 3, 5, 5, 250);
        byte[] m = new byte[12];
        m[5] = (byte) 255; // (1,1) salient
        m[6] = 9;          // (2,1) below the threshold of 10: background
        m[7] = 10;         // (3,1) at the threshold: foreground
        List<RgbFrame> out = BackgroundSwap.composite(List.of(a), List.of(new SaliencyMap(4, 3, m)), List.of(b), 10);
        RgbFrame c = out.get(0);
        assertEquals(200, c.get(1, 1, 0));
        assertEquals(200, c.get(3, 1, 0));
        assertEquals(5, c.get(2, 1, 0));
        assertEquals(250, c.get(0, 0, 2));
        assertEquals(250, b.get(1, 1, 2), "the background clip itself is not modified");
    }

    @Test
    void mismatchedClipsAreRefused() {
        RgbFrame a = flat(4, 3, 0, 0, 0);
        RgbFrame b = flat(5, 3, 0, 0, 0);
        SaliencyMap m = new SaliencyMap(4, 3, new byte[12]);
        assertThrows(IllegalArgumentException.class,
                () -> BackgroundSwap.composite(List.of(a), List.of(m), List.of(b), 10));
        assertThrows(IllegalArgumentException.class,
                () -> BackgroundSwap.composite(List.of(a, a), List.of(m), List.of(a), 10));
    }
}
