package org.ecrl4j.video;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Pixel operations on {@link RgbFrame}s, and the conversions between frames and OpenCV
 * {@link Mat}s that every OpenCV call in the project goes through. Resizing uses OpenCV (area
 * interpolation when shrinking, bilinear when enlarging).
 */
public final class Frames {
    private Frames() {}

    /** A Mat of type CV_8UC3 holding a copy of the frame's pixels, channels in RGB order. */
    public static Mat toMat(RgbFrame f) {
        Mat m = new Mat(f.height(), f.width(), CV_8UC3);
        m.data().put(f.pixels());
        return m;
    }

    /** A frame copied from a continuous CV_8UC3 Mat whose channels are in RGB order. */
    public static RgbFrame fromMat(Mat m) {
        if (m.type() != CV_8UC3) {
            throw new IllegalArgumentException("Expected a CV_8UC3 Mat, got type " + m.type());
        }
        Mat c = m.isContinuous() ? m : m.clone();
        byte[] px = new byte[c.rows() * c.cols() * 3];
        c.data().get(px);
        return new RgbFrame(c.cols(), c.rows(), px);
    }

    /** A CV_8UC1 Mat holding a copy of a one-channel image of {@code width x height} bytes. */
    public static Mat grayToMat(byte[] values, int width, int height) {
        Mat m = new Mat(height, width, CV_8UC1);
        m.data().put(values);
        return m;
    }

    /** The bytes of a CV_8UC1 Mat, row-major. */
    public static byte[] grayFromMat(Mat m) {
        if (m.type() != CV_8UC1) {
            throw new IllegalArgumentException("Expected a CV_8UC1 Mat, got type " + m.type());
        }
        Mat c = m.isContinuous() ? m : m.clone();
        byte[] out = new byte[c.rows() * c.cols()];
        c.data().get(out);
        return out;
    }

    /** Resizes to exactly {@code width x height} with OpenCV. */
    public static RgbFrame resize(RgbFrame f, int width, int height) {
        if (f.width() == width && f.height() == height) {
            return f.copy();
        }
        boolean shrink = width <= f.width() && height <= f.height();
        try (Mat src = toMat(f); Mat dst = new Mat(); Size size = new Size(width, height)) {
            opencv_imgproc.resize(src, dst, size, 0, 0, shrink ? INTER_AREA : INTER_LINEAR);
            return fromMat(dst);
        }
    }

    /**
     * Resizes to exactly {@code width x height} as torchvision does ({@code transforms.Resize(...,
     * antialias=True)}, bilinear; PyTorch's {@code _upsample_bilinear2d_aa}, the filter of PIL): a
     * triangle filter whose support grows with the shrink factor, so that shrinking averages every
     * source pixel, applied along x then along y with float intermediate values, rounded half to
     * even to bytes at the end. Up-sampling is plain bilinear with half-pixel centres.
     */
    public static RgbFrame resizeAntialiased(RgbFrame f, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("Cannot resize to " + width + "x" + height);
        }
        int w0 = f.width();
        int h0 = f.height();
        byte[] px = f.pixels();
        float[] src = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            src[i] = px[i] & 0xff;
        }
        float[] horizontal = src;
        if (width != w0) {
            horizontal = new float[h0 * width * 3];
            AaWeights wx = AaWeights.of(w0, width);
            for (int y = 0; y < h0; y++) {
                int row = y * w0 * 3;
                int out = y * width * 3;
                for (int x = 0; x < width; x++) {
                    int start = wx.start[x];
                    int n = wx.count[x];
                    int base = x * wx.stride;
                    for (int c = 0; c < 3; c++) {
                        float t = 0;
                        for (int j = 0; j < n; j++) {
                            t += src[row + (start + j) * 3 + c] * wx.weights[base + j];
                        }
                        horizontal[out + x * 3 + c] = t;
                    }
                }
            }
        }
        float[] result = horizontal;
        if (height != h0) {
            result = new float[height * width * 3];
            AaWeights wy = AaWeights.of(h0, height);
            int line = width * 3;
            for (int y = 0; y < height; y++) {
                int start = wy.start[y];
                int n = wy.count[y];
                int base = y * wy.stride;
                int out = y * line;
                for (int i = 0; i < line; i++) {
                    float t = 0;
                    for (int j = 0; j < n; j++) {
                        t += horizontal[(start + j) * line + i] * wy.weights[base + j];
                    }
                    result[out + i] = t;
                }
            }
        }
        byte[] out = new byte[width * height * 3];
        for (int i = 0; i < out.length; i++) {
            double v = Math.rint(result[i]);
            out[i] = (byte) (v < 0 ? 0 : v > 255 ? 255 : (int) v);
        }
        return new RgbFrame(width, height, out);
    }

    /** The taps of one axis of {@link #resizeAntialiased}: for output i, count[i] weights from start[i]. */
    private record AaWeights(int[] start, int[] count, float[] weights, int stride) {
        static AaWeights of(int in, int out) {
            float scale = (float) in / out;
            float support = scale >= 1 ? scale : 1f;
            float invscale = scale >= 1 ? 1f / scale : 1f;
            int stride = (int) Math.ceil(support) * 2 + 1;
            int[] start = new int[out];
            int[] count = new int[out];
            float[] weights = new float[out * stride];
            for (int i = 0; i < out; i++) {
                float center = scale * (i + 0.5f);
                int xmin = Math.max((int) (center - support + 0.5f), 0);
                int xsize = Math.min((int) (center + support + 0.5f), in) - xmin;
                float total = 0;
                for (int j = 0; j < xsize; j++) {
                    float w = Math.max(0f, 1f - Math.abs((j + xmin - center + 0.5f) * invscale));
                    weights[i * stride + j] = w;
                    total += w;
                }
                if (total != 0) {
                    for (int j = 0; j < xsize; j++) {
                        weights[i * stride + j] /= total;
                    }
                }
                start[i] = xmin;
                count[i] = xsize;
            }
            return new AaWeights(start, count, weights, stride);
        }
    }

    /** Resizes a one-channel image to exactly {@code width x height} with OpenCV (bilinear). */
    public static byte[] resizeGray(byte[] values, int w, int h, int width, int height) {
        if (w == width && h == height) {
            return values.clone();
        }
        try (Mat src = grayToMat(values, w, h); Mat dst = new Mat(); Size size = new Size(width, height)) {
            opencv_imgproc.resize(src, dst, size, 0, 0, INTER_LINEAR);
            return grayFromMat(dst);
        }
    }

    /** The sub-image of {@code w x h} pixels whose top-left corner is {@code (x, y)}. */
    public static RgbFrame crop(RgbFrame f, int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > f.width() || y + h > f.height()) {
            throw new IllegalArgumentException("Crop " + w + "x" + h + " at (" + x + "," + y + ") outside a "
                    + f.width() + "x" + f.height() + " frame");
        }
        byte[] out = new byte[w * h * 3];
        for (int row = 0; row < h; row++) {
            System.arraycopy(f.pixels(), ((y + row) * f.width() + x) * 3, out, row * w * 3, w * 3);
        }
        return new RgbFrame(w, h, out);
    }

    /** The mirror image (left and right swapped). */
    public static RgbFrame flipHorizontal(RgbFrame f) {
        int w = f.width();
        byte[] src = f.pixels();
        byte[] out = new byte[src.length];
        for (int y = 0; y < f.height(); y++) {
            int row = y * w * 3;
            for (int x = 0; x < w; x++) {
                System.arraycopy(src, row + x * 3, out, row + (w - 1 - x) * 3, 3);
            }
        }
        return new RgbFrame(w, f.height(), out);
    }

    /** Rotates clockwise by 0, 90, 180 or 270 degrees (returns the same frame for 0). */
    public static RgbFrame rotateClockwise(RgbFrame f, int degrees) {
        int w = f.width();
        int h = f.height();
        byte[] src = f.pixels();
        switch (degrees) {
            case 0:
                return f;
            case 90: {
                // source (x, y) goes to (h - 1 - y, x) in a h x w frame
                byte[] out = new byte[src.length];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        System.arraycopy(src, (y * w + x) * 3, out, (x * h + (h - 1 - y)) * 3, 3);
                    }
                }
                return new RgbFrame(h, w, out);
            }
            case 180: {
                byte[] out = new byte[src.length];
                int n = w * h;
                for (int i = 0; i < n; i++) {
                    System.arraycopy(src, i * 3, out, (n - 1 - i) * 3, 3);
                }
                return new RgbFrame(w, h, out);
            }
            case 270: {
                // source (x, y) goes to (y, w - 1 - x) in a h x w frame
                byte[] out = new byte[src.length];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        System.arraycopy(src, (y * w + x) * 3, out, ((w - 1 - x) * h + y) * 3, 3);
                    }
                }
                return new RgbFrame(h, w, out);
            }
            default:
                throw new IllegalArgumentException("Rotation must be 0, 90, 180 or 270 degrees, got " + degrees);
        }
    }

    /** The frame encoded as a PNG file's bytes (OpenCV). */
    public static byte[] encodePng(RgbFrame f) {
        try (Mat rgb = toMat(f); Mat bgr = new Mat()) {
            opencv_imgproc.cvtColor(rgb, bgr, opencv_imgproc.COLOR_RGB2BGR);
            return encode(bgr);
        }
    }

    /** A one-channel image encoded as a grey PNG file's bytes (OpenCV). */
    public static byte[] encodePngGray(byte[] values, int width, int height) {
        try (Mat m = grayToMat(values, width, height)) {
            return encode(m);
        }
    }

    private static byte[] encode(Mat m) {
        try (BytePointer buf = new BytePointer()) {
            if (!opencv_imgcodecs.imencode(".png", m, buf)) {
                throw new IllegalStateException("OpenCV could not encode a " + m.cols() + "x" + m.rows() + " PNG");
            }
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        }
    }
}
