package org.ecrl4j.synth;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.ecrl4j.video.RgbFrame;

/**
 * Decodes a video to RGB frames with JavaCV's FFmpegFrameGrabber, for the round-trip tests. (The
 * project's own decoder lives in org.ecrl4j.video on another branch; these tests switch to it once
 * merged.)
 */
final class TestDecoder {
    private TestDecoder() {}

    static List<RgbFrame> decode(Path file) throws Exception {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR); // no stream dump on every open
        List<RgbFrame> out = new ArrayList<>();
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toString())) {
            g.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
            g.start();
            Frame f;
            while ((f = g.grabImage()) != null) {
                ByteBuffer b = (ByteBuffer) f.image[0];
                int w = f.imageWidth, h = f.imageHeight;
                byte[] px = new byte[w * h * 3];
                for (int y = 0; y < h; y++) {
                    b.position(y * f.imageStride);
                    b.get(px, y * w * 3, w * 3);
                }
                out.add(new RgbFrame(w, h, px));
            }
            g.stop();
        }
        return out;
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
