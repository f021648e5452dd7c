package org.ecrl4j.synth;

import java.nio.file.Path;
import java.util.List;
import org.ecrl4j.video.RgbFrame;
import org.ecrl4j.video.VideoReader;

/**
 * Decodes a benchmark video with the project's decoder ({@link VideoReader}), every frame, for the
 * round-trip tests, and compares frames.
 */
final class TestDecoder {
    private TestDecoder() {}

    /** Every frame of a video, in presentation order, through {@link VideoReader}. */
    static List<RgbFrame> decode(Path file) {
        try (VideoReader r = VideoReader.open(file)) {
            int n = r.info().frameCount();
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return r.read(all);
        }
    }

    /** Peak signal-to-noise ratio in dB over all channels. */
    static double psnr(RgbFrame a, RgbFrame b) {
        double se = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            int d = (a.pixels()[i] & 0xff) - (b.pixels()[i] & 0xff);
            se += d * d;
        }
        double mse = se / a.pixels().length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** PSNR of the luma (BT.601 weights) only. */
    static double lumaPsnr(RgbFrame a, RgbFrame b) {
        double se = 0;
        int n = a.width() * a.height();
        for (int i = 0; i < n; i++) {
            double d = luma(a.pixels(), i) - luma(b.pixels(), i);
            se += d * d;
        }
        double mse = se / n;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    private static double luma(byte[] px, int i) {
        return 0.299 * (px[i * 3] & 0xff) + 0.587 * (px[i * 3 + 1] & 0xff) + 0.114 * (px[i * 3 + 2] & 0xff);
    }
}
