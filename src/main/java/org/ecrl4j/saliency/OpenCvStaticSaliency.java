package org.ecrl4j.saliency;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_saliency.StaticSaliency;
import org.bytedeco.opencv.opencv_saliency.StaticSaliencyFineGrained;
import org.bytedeco.opencv.opencv_saliency.StaticSaliencySpectralResidual;
import org.ecrl4j.video.Frames;
import org.ecrl4j.video.RgbFrame;

/**
 * OpenCV's static (single-image) saliency from the contrib module {@code saliency}: the spectral
 * residual of Hou and Zhang (CVPR 2007), which works on a 64x64 version of the frame, or the
 * fine-grained centre-surround saliency of Montabone and Soto (2010). Each frame is treated alone.
 * The spectral residual map (floats in [0, 1]) is scaled by 255, as the reference implementation
 * does; the fine-grained map is already 0-255.
 */
public final class OpenCvStaticSaliency implements FrameSaliencyMethod {
    /** Which of OpenCV's static methods. */
    public enum Kind {
        SPECTRAL("spectral"),
        FINE_GRAINED("fine-grained");

        final String methodName;

        Kind(String methodName) {
            this.methodName = methodName;
        }
    }

    private final Kind kind;
    private final StaticSaliency algorithm;

    /** A method of the given kind. */
    public OpenCvStaticSaliency(Kind kind) {
        this.kind = kind;
        this.algorithm = kind == Kind.SPECTRAL ? StaticSaliencySpectralResidual.create()
                : StaticSaliencyFineGrained.create();
    }

    @Override
    public String name() {
        return kind.methodName;
    }

    @Override
    public SaliencyMap computeFrame(RgbFrame f) {
        try (Mat rgb = Frames.toMat(f); Mat bgr = new Mat(); Mat map = new Mat(); Mat bytes = new Mat()) {
            cvtColor(rgb, bgr, COLOR_RGB2BGR);
            if (!algorithm.computeSaliency(bgr, map) || map.empty()) {
                throw new IllegalStateException("OpenCV " + kind.methodName + " saliency failed on a "
                        + f.width() + "x" + f.height() + " frame");
            }
            if (map.depth() == CV_32F) {
                map.convertTo(bytes, CV_8U, 255, 0); // saturating
            } else {
                map.convertTo(bytes, CV_8U);
            }
            byte[] values = Frames.grayFromMat(bytes);
            if (bytes.cols() != f.width() || bytes.rows() != f.height()) {
                values = Frames.resizeGray(values, bytes.cols(), bytes.rows(), f.width(), f.height());
            }
            return new SaliencyMap(f.width(), f.height(), values);
        }
    }

    @Override
    public void close() {
        algorithm.close();
    }
}
