package org.ecrl4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Crop windows: the views of multi-view testing and the training crop, by hand and by their bounds. */
class CropWindowTest {
    @Test
    void threeViewsRunAlongTheLongerSide() {
        // 85x64 frame, 64x64 crop: offsets floor(k * 21 / 2) = 0, 10, 21 along x, y centred (0)
        assertEquals(new CropWindow(0, 0, 64, 64), CropWindow.view(85, 64, 64, 64, 0, 3));
        assertEquals(new CropWindow(10, 0, 64, 64), CropWindow.view(85, 64, 64, 64, 1, 3));
        assertEquals(new CropWindow(21, 0, 64, 64), CropWindow.view(85, 64, 64, 64, 2, 3));
        // portrait: top, centre, bottom
        assertEquals(new CropWindow(0, 0, 64, 64), CropWindow.view(64, 85, 64, 64, 0, 3));
        assertEquals(new CropWindow(0, 21, 64, 64), CropWindow.view(64, 85, 64, 64, 2, 3));
        // one view: the centre crop ((W - w) / 2, rounded down), as ClipTransform's evaluation crop
        assertEquals(new CropWindow(10, 0, 64, 64), CropWindow.view(85, 64, 64, 64, 0, 1));
        // a square frame: every view is the whole frame
        for (int k = 0; k < 3; k++) {
            assertEquals(new CropWindow(0, 0, 48, 48), CropWindow.view(48, 48, 48, 48, k, 3));
        }
        assertThrows(IllegalArgumentException.class, () -> CropWindow.view(85, 64, 64, 64, 3, 3));
    }

    @Test
    void trainingCropStaysInsideWithTheAskedAreaAndAspect() {
        SplittableRandom rng = new SplittableRandom(4);
        double minSeen = 1;
        double maxSeen = 0;
        boolean left = false;
        boolean right = false;
        for (int i = 0; i < 2000; i++) {
            CropWindow w = CropWindow.randomResized(85, 64, 0.6, rng);
            assertTrue(w.fits(85, 64), w.toString());
            double area = (double) w.width() * w.height() / (64.0 * 64.0);
            // rounding each side to whole pixels moves the area by at most about 2/64 either way
            assertTrue(area >= 0.6 - 0.04 && area <= 1 + 0.04, w + " area " + area);
            double aspect = (double) w.width() / w.height();
            if (w.height() < 64) { // not clamped by the frame's height
                assertTrue(aspect >= 0.75 - 0.05 && aspect <= 4.0 / 3 + 0.05, w + " aspect " + aspect);
            }
            minSeen = Math.min(minSeen, area);
            maxSeen = Math.max(maxSeen, area);
            left |= w.x() == 0;
            right |= w.x() + w.width() == 85;
        }
        assertTrue(minSeen < 0.65 && maxSeen > 0.95, minSeen + " to " + maxSeen);
        assertTrue(left && right);
        assertEquals(CropWindow.randomResized(85, 64, 0.6, new SplittableRandom(9)),
                CropWindow.randomResized(85, 64, 0.6, new SplittableRandom(9)));
        assertNotEquals(CropWindow.randomResized(85, 64, 0.6, new SplittableRandom(9)),
                CropWindow.randomResized(85, 64, 0.6, new SplittableRandom(10)));
        assertThrows(IllegalArgumentException.class, () -> CropWindow.randomResized(85, 64, 0, rng));
    }

    @Test
    void appliesTheSameWindowToFramesAndMaps() {
        byte[] gray = new byte[4 * 3];
        byte[] rgb = new byte[4 * 3 * 3];
        for (int i = 0; i < gray.length; i++) {
            gray[i] = (byte) i;
            rgb[3 * i] = (byte) i;
            rgb[3 * i + 1] = (byte) (100 + i);
            rgb[3 * i + 2] = (byte) (200 + i);
        }
        CropWindow w = new CropWindow(1, 1, 2, 2);
        assertArrayEquals(new byte[] {5, 6, 9, 10}, w.applyGray(gray, 4, 3, 2, 2));
        RgbFrame f = w.apply(new RgbFrame(4, 3, rgb), 2, 2);
        assertArrayEquals(new byte[] {5, 105, (byte) 205, 6, 106, (byte) 206, 9, 109, (byte) 209, 10, 110, (byte) 210},
                f.pixels());
        assertThrows(IllegalArgumentException.class, () -> new CropWindow(3, 0, 2, 2).applyGray(gray, 4, 3, 2, 2));
    }

    @Test
    void viewsParse() {
        assertEquals(new Views(4, 3), Views.parse("4x3"));
        assertEquals(new Views(10, 3), Views.parse(" 10X3 "));
        assertEquals(Views.ONE, Views.parse("1x1"));
        assertEquals(12, Views.parse("4x3").count());
        for (String bad : new String[] {"4", "4x", "x3", "0x1", "1x0", "4x3x2", "ax3", "1x11"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Views.parse(bad), bad);
            assertTrue(e.getMessage().contains("--views"), e.getMessage());
        }
    }
}
