package org.ecrl4j.saliency;

import static org.bytedeco.opencv.global.opencv_calib3d.RANSAC;
import static org.bytedeco.opencv.global.opencv_calib3d.estimateAffinePartial2D;
import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC2;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.WARP_INVERSE_MAP;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.goodFeaturesToTrack;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;
import static org.bytedeco.opencv.global.opencv_video.OPTFLOW_USE_INITIAL_FLOW;
import static org.bytedeco.opencv.global.opencv_video.calcOpticalFlowPyrLK;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.TermCriteria;
import org.ecrl4j.video.Frames;
import org.ecrl4j.video.RgbFrame;

/**
 * Motion saliency with global motion compensation, for a moving camera (issue 15). The camera's
 * motion between the clip's middle frame (the reference) and every other frame is estimated from
 * sparse optical flow: corners of the reference ({@code goodFeaturesToTrack}) are tracked into the
 * frame with pyramidal Lucas-Kanade ({@code calcOpticalFlowPyrLK}), and a similarity transform
 * (rotation, uniform scale, translation: pan, zoom and shake) is fitted to the tracks with RANSAC
 * ({@code estimateAffinePartial2D}), so the tracks on the moving object and on other moving things
 * are outliers. Every frame is warped to the reference ({@code warpAffine}) and its global
 * brightness matched to the reference's (a flickering light), the per-pixel background is the
 * median of the warped frames over the frames that see the pixel, each frame's difference from it
 * is scored as {@link MotionSaliency} scores it, and the map is warped back into the frame's own
 * coordinates and cleaned as {@code motion} cleans it. A pixel no other frame sees gets saliency 0.
 *
 * <p>On a still camera every fitted transform moves the frame's corners by less than {@value
 * #SNAP_PIXELS} pixel and every gain is within {@value #SNAP_GAIN} of 1; the method then returns
 * exactly what {@code motion} returns, so it is never worse than {@code motion} there. When a frame
 * has too few tracks for a fit (a textureless background) it is taken as not moved.
 *
 * @param motion the scoring of the differences (levels and closing)
 * @param maxCorners most corners tracked
 * @param ransacPixels RANSAC's inlier distance in pixels
 */
public record MotionCompensatedSaliency(MotionSaliency motion, int maxCorners, double ransacPixels)
        implements SaliencyMethod {
    /** {@code motion}'s levels, 400 corners, inliers within 1 pixel. */
    public static final MotionCompensatedSaliency DEFAULT = new MotionCompensatedSaliency(MotionSaliency.DEFAULT, 400, 1.0);
    /** A transform that moves no frame corner by this many pixels is the identity. */
    public static final double SNAP_PIXELS = 0.5;
    /** A gain within this of 1 is 1. */
    public static final double SNAP_GAIN = 0.015;
    /** A fit replaces the still camera only when it leaves less than this share of the pixels the still camera leaves changed. */
    static final double RESIDUAL_GAIN = 0.8;
    /** The least share of the frame, on each axis, that a camera fit's inlier tracks must span. */
    static final double SPREAD = 0.45;
    /** Grey levels per pixel (half the central difference) from which a pixel is textured. */
    static final int TEXTURE = 10;
    /** Least number of textured pixels for the still test. */
    static final int MIN_TEXTURE = 64;
    /** Share of textured pixels unchanged from which a frame is still. */
    static final double STILL_SHARE = 0.6;
    /** How far (pixels) a pixel may be from its match in the background after warping. */
    static final int TOLERANCE = 1;
    /** The seed of OpenCV's generator for RANSAC, set before every clip. */
    static final int RANSAC_SEED = 15;
    /** Fewer tracks than this: no fit, the frame is taken as not moved. */
    static final int MIN_TRACKS = 6;

    public MotionCompensatedSaliency {
        if (motion == null) {
            throw new IllegalArgumentException("motion levels are required");
        }
        if (maxCorners < MIN_TRACKS || !(ransacPixels > 0)) {
            throw new IllegalArgumentException("maxCorners must be >= " + MIN_TRACKS + " and ransacPixels > 0, got "
                    + maxCorners + " and " + ransacPixels);
        }
    }

    @Override
    public String name() {
        return "motion-compensated";
    }

    /** What the compensation found for one clip: per frame, the transform to the reference and the gain. */
    public record Compensation(int reference, List<double[]> toReference, double[] gains) {
        /** True when every frame is taken as not moved and not brightened: {@code motion}'s case. */
        public boolean still() {
            for (int t = 0; t < toReference.size(); t++) {
                if (toReference.get(t) != null || gains[t] != 1.0) {
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public List<SaliencyMap> compute(List<RgbFrame> frames, ClipSource source) {
        SaliencyMethod.checkClip(frames);
        return compute(frames, compensation(frames), source);
    }

    /** The maps of a clip whose camera motion is known (estimated by {@link #compensation}, or given). */
    public List<SaliencyMap> compute(List<RgbFrame> frames, Compensation comp, ClipSource source) {
        if (comp.still()) {
            return motion.compute(frames, source);
        }
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        int n = frames.size();
        List<byte[]> warped = new ArrayList<>(n);
        List<byte[]> valid = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            double[] a = comp.toReference().get(t);
            byte[] px = frames.get(t).pixels();
            byte[] ok = new byte[w * h];
            if (a == null) {
                px = px.clone();
                Arrays.fill(ok, (byte) 1);
            } else {
                byte[][] wv = warpToReference(frames.get(t), a);
                px = wv[0];
                ok = wv[1];
            }
            double g = comp.gains()[t];
            if (g != 1.0) {
                for (int i = 0; i < px.length; i++) {
                    px[i] = (byte) Math.max(0, Math.min(255, (int) Math.round((px[i] & 0xff) / g)));
                }
            }
            warped.add(px);
            valid.add(ok);
        }
        byte[] background = maskedMedian(warped, valid, w * h);
        double scale = 255.0 / (motion.fullLevel() - motion.noiseLevel());
        List<SaliencyMap> out = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            byte[] px = warped.get(t);
            byte[] ok = valid.get(t);
            byte[] s = new byte[w * h];
            for (int i = 0; i < s.length; i++) {
                if (ok[i] == 0) {
                    continue;
                }
                int d = tolerantDifference(px, background, i % w, i / w, w, h);
                s[i] = (byte) Math.max(0, Math.min(255, (int) Math.round((d - motion.noiseLevel()) * scale)));
            }
            double[] a = comp.toReference().get(t);
            if (a != null) {
                s = warpBack(s, w, h, a);
            }
            out.add(new SaliencyMap(w, h, motion.clean(s, w, h)));
        }
        return out;
    }

    /**
     * Estimates, for every frame, the similarity transform (2x3, row-major) that takes its pixels to
     * the reference's ({@code null}: not moved) and its brightness gain against the reference.
     */
    public Compensation compensation(List<RgbFrame> frames) {
        // RANSAC draws from OpenCV's per-thread generator: seed it, so that a clip's result does not
        // depend on what the thread computed before (the same clip gives the same maps).
        org.bytedeco.opencv.global.opencv_core.setRNGSeed(RANSAC_SEED);
        int n = frames.size();
        int ref = n / 2;
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        List<double[]> transforms = new ArrayList<>(n);
        double[] gains = new double[n];
        Arrays.fill(gains, 1.0);
        List<Mat> grays = new ArrayList<>(n);
        try (Mat corners = new Mat()) {
            for (RgbFrame f : frames) {
                Mat g = new Mat();
                try (Mat rgb = Frames.toMat(f)) {
                    cvtColor(rgb, g, COLOR_RGB2GRAY);
                }
                grays.add(g);
            }
            goodFeaturesToTrack(grays.get(ref), corners, maxCorners, 0.001, 2);
            int k = corners.rows();
            float[] from = new float[k * 2];
            if (k > 0) {
                ((FloatBuffer) corners.createBuffer()).get(from);
            }
            byte[] refGray = gray(frames.get(ref));
            double[][] found = new double[n][];
            // Outwards from the reference, each frame's tracking starting from its neighbour's fit
            // (the camera moves smoothly), so that a large pan is followed step by step.
            List<Integer> order = new ArrayList<>();
            for (int t = ref + 1; t < n; t++) {
                order.add(t);
            }
            for (int t = ref - 1; t >= 0; t--) {
                order.add(t);
            }
            for (int t : order) {
                double[] best = null;
                if (k >= MIN_TRACKS && !stillOnTexture(gray(frames.get(t)), refGray, w, h, motion.noiseLevel())) {
                    double[] guess = found[t > ref ? t - 1 : t + 1];
                    // Verify each fit on the pixels: the camera's motion is the one that leaves the
                    // fewest pixels changed (the object changes only its own). The still camera wins
                    // unless a fit does clearly better.
                    double bestResidual = changedShare(gray(frames.get(t)), refGray, null, motion.noiseLevel());
                    double still = bestResidual;
                    for (double[] a : fits(grays.get(ref), grays.get(t), corners, from, k, guess)) {
                        if (maxCornerShift(a, w, h) < SNAP_PIXELS) {
                            continue;
                        }
                        byte[][] wv = warpToReference(frames.get(t), a);
                        double r = changedShare(grayOf(wv[0]), refGray, wv[1], motion.noiseLevel());
                        if (r < bestResidual && r < still * RESIDUAL_GAIN - 0.005) {
                            best = a;
                            bestResidual = r;
                        }
                    }
                }
                found[t] = best;
            }
            for (int t = 0; t < n; t++) {
                transforms.add(found[t]);
            }
        } finally {
            for (Mat g : grays) {
                g.close();
            }
        }
        byte[] refGray = gray(frames.get(ref));
        for (int t = 0; t < n; t++) {
            if (t == ref) {
                continue;
            }
            double[] a = transforms.get(t);
            byte[] g;
            byte[] ok;
            if (a == null) {
                g = gray(frames.get(t));
                ok = null;
            } else {
                byte[][] wv = warpToReference(frames.get(t), a);
                g = grayOf(wv[0]);
                ok = wv[1];
            }
            gains[t] = gain(g, refGray, ok);
        }
        return new Compensation(ref, transforms, gains);
    }

    /**
     * Tracks the reference's corners into frame t and fits frame t -> reference twice: to all the
     * tracks, then to the outliers of the first fit (when the object carries most corners, as on a
     * plain sky, the first fit follows the object and the second the camera). Returns the fits found
     * (0 to 2).
     */
    private List<double[]> fits(Mat refGray, Mat gray, Mat corners, float[] from, int k, double[] guess) {
        List<double[]> out = new ArrayList<>(2);
        try (Mat next = guess == null ? new Mat() : points(project(invert(guess), from)); Mat status = new Mat();
                Mat err = new Mat(); Size win = new Size(15, 15);
                TermCriteria crit = new TermCriteria(TermCriteria.COUNT + TermCriteria.EPS, 30, 0.01)) {
            calcOpticalFlowPyrLK(refGray, gray, corners, next, status, err, win, 3, crit,
                    guess == null ? 0 : OPTFLOW_USE_INITIAL_FLOW, 1e-4);
            float[] to = new float[k * 2];
            ((FloatBuffer) next.createBuffer()).get(to);
            byte[] st = new byte[k];
            ((ByteBuffer) status.createBuffer()).get(st);
            float[] src = new float[k * 2];
            float[] dst = new float[k * 2];
            int good = 0;
            for (int i = 0; i < k; i++) {
                if (st[i] != 0) {
                    src[good * 2] = to[i * 2];
                    src[good * 2 + 1] = to[i * 2 + 1];
                    dst[good * 2] = from[i * 2];
                    dst[good * 2 + 1] = from[i * 2 + 1];
                    good++;
                }
            }
            for (int round = 0; round < 2 && good >= MIN_TRACKS; round++) {
                byte[] in = new byte[good];
                double[] m = fit(Arrays.copyOf(src, good * 2), Arrays.copyOf(dst, good * 2), in);
                if (m == null) {
                    break;
                }
                if (spread(dst, in, refGray.cols(), refGray.rows())) {
                    out.add(m);
                }
                int left = 0;
                for (int i = 0; i < good; i++) {
                    if (in[i] == 0) {
                        src[left * 2] = src[i * 2];
                        src[left * 2 + 1] = src[i * 2 + 1];
                        dst[left * 2] = dst[i * 2];
                        dst[left * 2 + 1] = dst[i * 2 + 1];
                        left++;
                    }
                }
                good = left;
            }
        }
        return out;
    }

    /**
     * Whether the inlier tracks span at least {@value #SPREAD} of the frame on both axes: the
     * camera moves the whole picture, while a fit whose tracks sit on one object (a plain sky with
     * a sliding shape) follows that object and is not the camera's.
     */
    static boolean spread(float[] points, byte[] in, int w, int h) {
        float x0 = Float.MAX_VALUE;
        float x1 = -Float.MAX_VALUE;
        float y0 = Float.MAX_VALUE;
        float y1 = -Float.MAX_VALUE;
        for (int i = 0; i < in.length; i++) {
            if (in[i] != 0) {
                x0 = Math.min(x0, points[i * 2]);
                x1 = Math.max(x1, points[i * 2]);
                y0 = Math.min(y0, points[i * 2 + 1]);
                y1 = Math.max(y1, points[i * 2 + 1]);
            }
        }
        return x1 - x0 >= SPREAD * w && y1 - y0 >= SPREAD * h;
    }

    /** A RANSAC similarity fit src -> dst; marks the inliers in {@code in}; null when it fails. */
    private double[] fit(float[] src, float[] dst, byte[] in) {
        try (Mat s = points(src); Mat d = points(dst); Mat inliers = new Mat();
                Mat a = estimateAffinePartial2D(s, d, inliers, RANSAC, ransacPixels, 2000, 0.99, 10)) {
            if (a == null || a.empty() || a.rows() != 2 || a.cols() != 3) {
                return null;
            }
            double[] m = new double[6];
            try (Mat a64 = new Mat()) {
                a.convertTo(a64, CV_64F);
                ((DoubleBuffer) a64.createBuffer()).get(m);
            }
            for (double v : m) {
                if (!Double.isFinite(v)) {
                    return null;
                }
            }
            if (inliers.total() == in.length) {
                ((ByteBuffer) inliers.createBuffer()).get(in);
            }
            return m;
        }
    }

    /** The inverse of a 2x3 affine transform. */
    static double[] invert(double[] a) {
        double det = a[0] * a[4] - a[1] * a[3];
        double i0 = a[4] / det;
        double i1 = -a[1] / det;
        double i3 = -a[3] / det;
        double i4 = a[0] / det;
        return new double[] {i0, i1, -(i0 * a[2] + i1 * a[5]), i3, i4, -(i3 * a[2] + i4 * a[5])};
    }

    /** Points (x, y interleaved) moved by a 2x3 affine transform. */
    static float[] project(double[] a, float[] xy) {
        float[] out = new float[xy.length];
        for (int i = 0; i < xy.length; i += 2) {
            out[i] = (float) (a[0] * xy[i] + a[1] * xy[i + 1] + a[2]);
            out[i + 1] = (float) (a[3] * xy[i] + a[4] * xy[i + 1] + a[5]);
        }
        return out;
    }

    private static Mat points(float[] xy) {
        Mat m = new Mat(xy.length / 2, 1, CV_32FC2);
        ((FloatBuffer) m.createBuffer()).put(xy);
        return m;
    }

    /** The largest distance a transform moves one of the frame's four corners. */
    static double maxCornerShift(double[] a, int w, int h) {
        double worst = 0;
        for (double[] p : new double[][] {{0, 0}, {w, 0}, {0, h}, {w, h}}) {
            double x = a[0] * p[0] + a[1] * p[1] + a[2];
            double y = a[3] * p[0] + a[4] * p[1] + a[5];
            worst = Math.max(worst, Math.hypot(x - p[0], y - p[1]));
        }
        return worst;
    }

    /** The frame warped to the reference, and which of its pixels the frame sees (1) or not (0). */
    private static byte[][] warpToReference(RgbFrame f, double[] a) {
        int w = f.width();
        int h = f.height();
        try (Mat src = Frames.toMat(f); Mat dst = new Mat(); Mat m = affine(a); Size size = new Size(w, h);
                Mat ones = new Mat(h, w, org.bytedeco.opencv.global.opencv_core.CV_8UC1, new Scalar(255));
                Mat seen = new Mat(); Scalar zero = new Scalar(0)) {
            warpAffine(src, dst, m, size, INTER_LINEAR, BORDER_CONSTANT, zero);
            // Seen: every source pixel of the bilinear sample is inside the frame (no black border blended in).
            warpAffine(ones, seen, m, size, INTER_LINEAR, BORDER_CONSTANT, zero);
            byte[] px = Frames.fromMat(dst).pixels();
            byte[] ok = Frames.grayFromMat(seen);
            for (int i = 0; i < ok.length; i++) {
                ok[i] = (byte) ((ok[i] & 0xff) == 255 ? 1 : 0);
            }
            return new byte[][] {px, ok};
        }
    }

    /** A map in reference coordinates brought back into the coordinates of the frame of transform a. */
    private static byte[] warpBack(byte[] s, int w, int h, double[] a) {
        try (Mat src = Frames.grayToMat(s, w, h); Mat dst = new Mat(); Mat m = affine(a); Size size = new Size(w, h);
                Scalar zero = new Scalar(0)) {
            warpAffine(src, dst, m, size, INTER_LINEAR | WARP_INVERSE_MAP, BORDER_CONSTANT, zero);
            return Frames.grayFromMat(dst);
        }
    }

    private static Mat affine(double[] a) {
        Mat m = new Mat(2, 3, CV_64F);
        ((DoubleBuffer) m.createBuffer()).put(a);
        return m;
    }

    /**
     * The difference of pixel (x, y) from the background, tolerant of the registration error a warp
     * leaves (a fraction of a pixel, which on a sharp texture is a large difference at every edge):
     * the smallest, over the background pixels within {@value #TOLERANCE} pixel of it, of the
     * largest channel difference.
     */
    static int tolerantDifference(byte[] px, byte[] background, int x, int y, int w, int h) {
        int i = y * w + x;
        int best = Integer.MAX_VALUE;
        for (int dy = -TOLERANCE; dy <= TOLERANCE; dy++) {
            int yy = y + dy;
            if (yy < 0 || yy >= h) {
                continue;
            }
            for (int dx = -TOLERANCE; dx <= TOLERANCE; dx++) {
                int xx = x + dx;
                if (xx < 0 || xx >= w) {
                    continue;
                }
                int j = yy * w + xx;
                int d = 0;
                for (int c = 0; c < 3; c++) {
                    d = Math.max(d, Math.abs((px[i * 3 + c] & 0xff) - (background[j * 3 + c] & 0xff)));
                }
                best = Math.min(best, d);
            }
        }
        return best;
    }

    /** Per pixel and channel, the median of the frames that see the pixel (mean of the two middle values). */
    static byte[] maskedMedian(List<byte[]> frames, List<byte[]> valid, int pixels) {
        int t = frames.size();
        byte[] out = new byte[pixels * 3];
        int[] v = new int[t];
        for (int i = 0; i < pixels; i++) {
            for (int c = 0; c < 3; c++) {
                int k = 0;
                for (int f = 0; f < t; f++) {
                    if (valid.get(f)[i] != 0) {
                        v[k++] = frames.get(f)[i * 3 + c] & 0xff;
                    }
                }
                if (k == 0) {
                    continue;
                }
                Arrays.sort(v, 0, k);
                out[i * 3 + c] = (byte) (k % 2 == 1 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2] + 1) / 2);
            }
        }
        return out;
    }

    /**
     * The brightness of a frame against the reference: the median ratio of their grey levels over
     * the pixels both see (pixels darker than 24 left out), snapped to 1 within {@value #SNAP_GAIN}.
     */
    static double gain(byte[] gray, byte[] ref, byte[] ok) {
        double[] r = new double[gray.length];
        int k = 0;
        for (int i = 0; i < gray.length; i++) {
            int a = gray[i] & 0xff;
            int b = ref[i] & 0xff;
            if ((ok == null || ok[i] != 0) && a >= 24 && b >= 24) {
                r[k++] = (double) a / b;
            }
        }
        if (k < gray.length / 4) {
            return 1.0;
        }
        Arrays.sort(r, 0, k);
        double g = r[k / 2];
        return Math.abs(g - 1) < SNAP_GAIN ? 1.0 : g;
    }

    /**
     * Whether the frame is plainly not moved against the reference: at least {@value #STILL_SHARE}
     * of the reference's textured pixels (grey-level gradient of {@value #TEXTURE} or more, where
     * any camera motion shows) keep their grey level within {@code level}. A moving object changes
     * only its own share of them; a pan or zoom changes most. On a periodic texture (grass) this
     * keeps a fit that follows the object by one period of the texture from passing for the camera.
     * With fewer than {@value #MIN_TEXTURE} textured pixels it decides nothing (false).
     */
    static boolean stillOnTexture(byte[] gray, byte[] ref, int w, int h, int level) {
        int textured = 0;
        int kept = 0;
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                int i = y * w + x;
                int gx = (ref[i + 1] & 0xff) - (ref[i - 1] & 0xff);
                int gy = (ref[i + w] & 0xff) - (ref[i - w] & 0xff);
                if (Math.abs(gx) + Math.abs(gy) < 2 * TEXTURE) {
                    continue;
                }
                textured++;
                kept += Math.abs((gray[i] & 0xff) - (ref[i] & 0xff)) <= level ? 1 : 0;
            }
        }
        return textured >= MIN_TEXTURE && kept >= STILL_SHARE * textured;
    }

    /**
     * The share of the pixels both see ({@code ok} null: all) whose grey levels differ by more than
     * {@code level}; 1 when fewer than half the pixels are seen.
     */
    static double changedShare(byte[] gray, byte[] ref, byte[] ok, int level) {
        int seen = 0;
        int changed = 0;
        for (int i = 0; i < gray.length; i++) {
            if (ok == null || ok[i] != 0) {
                seen++;
                changed += Math.abs((gray[i] & 0xff) - (ref[i] & 0xff)) > level ? 1 : 0;
            }
        }
        return seen < gray.length / 2 ? 1.0 : (double) changed / seen;
    }

    private static byte[] gray(RgbFrame f) {
        return grayOf(f.pixels());
    }

    private static byte[] grayOf(byte[] rgb) {
        byte[] g = new byte[rgb.length / 3];
        for (int i = 0; i < g.length; i++) {
            g[i] = (byte) Math.round(0.299 * (rgb[i * 3] & 0xff) + 0.587 * (rgb[i * 3 + 1] & 0xff)
                    + 0.114 * (rgb[i * 3 + 2] & 0xff));
        }
        return g;
    }
}
