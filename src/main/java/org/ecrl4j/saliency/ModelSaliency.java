package org.ecrl4j.saliency;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.ecrl4j.video.Frames;
import org.ecrl4j.video.RgbFrame;

/**
 * A learned salient-object model given by the user as a TorchScript file, run on DJL's PyTorch
 * engine (CPU unless DJL finds a GPU). The contract, per frame:
 *
 * <ul>
 *   <li>input: one float tensor of shape (1, 3, H, W), RGB, values in [0, 1] (pixel / 255, no
 *       mean or std: put any normalisation the model needs inside the model), H and W the frame's
 *       size;
 *   <li>output: the first (or only) output, a float tensor of shape (1, 1, h, w) or (1, h, w),
 *       values in [0, 1] (apply the sigmoid inside the model); h x w may differ from H x W, the map
 *       is then resized bilinearly to the frame. Values are clamped to [0, 1] and scaled by 255.
 * </ul>
 *
 * Export such a model with {@code torch.jit.trace(model.eval(), torch.rand(1, 3, 224, 224))
 * .save("saliency.pt")}. ONNX files are not supported (the project ships no ONNX Runtime): export
 * to TorchScript instead.
 */
public final class ModelSaliency implements FrameSaliencyMethod {
    private final Path file;
    private final Model model;
    private final Predictor<NDList, NDList> predictor;

    private ModelSaliency(Path file, Model model) {
        this.file = file;
        this.model = model;
        this.predictor = model.newPredictor(new NoopTranslator());
    }

    /**
     * Loads a TorchScript saliency model.
     *
     * @throws IllegalArgumentException naming the file when it is missing, ONNX, or not a
     *     TorchScript archive
     */
    public static ModelSaliency load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such saliency model file (check the path after model:)");
        }
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            throw new IllegalArgumentException(file + ": ONNX saliency models are not supported; export the model "
                    + "to TorchScript (torch.jit.trace(...).save(\"saliency.pt\")) and give model:saliency.pt");
        }
        Model model = Model.newInstance("saliency", "PyTorch");
        try {
            model.load(file);
            return new ModelSaliency(file, model);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalArgumentException(file + ": not a TorchScript model PyTorch can load (" + firstLine(e)
                    + "); export it with torch.jit.trace(...).save(...)", e);
        }
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public String name() {
        return "model:" + file;
    }

    @Override
    public SaliencyMap computeFrame(RgbFrame f) {
        int w = f.width();
        int h = f.height();
        int plane = w * h;
        float[] chw = new float[3 * plane];
        byte[] px = f.pixels();
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                chw[c * plane + i] = (px[i * 3 + c] & 0xff) / 255f;
            }
        }
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray input = manager.create(chw, new Shape(1, 3, h, w));
            NDList result;
            try {
                result = predictor.predict(new NDList(input));
            } catch (TranslateException | RuntimeException e) {
                throw new IllegalStateException(file + ": the saliency model failed on a (1, 3, " + h + ", " + w
                        + ") input (" + firstLine(e) + "); it must map (1, 3, H, W) RGB in [0, 1] to (1, 1, H, W)", e);
            }
            result.attach(manager);
            NDArray map = result.get(0);
            Shape s = map.getShape();
            boolean ok = (s.dimension() == 4 && s.get(0) == 1 && s.get(1) == 1)
                    || (s.dimension() == 3 && s.get(0) == 1);
            if (!ok) {
                throw new IllegalStateException(file + ": the saliency model returned shape " + s
                        + "; it must return (1, 1, h, w) or (1, h, w) with values in [0, 1]");
            }
            int mh = (int) s.get(s.dimension() - 2);
            int mw = (int) s.get(s.dimension() - 1);
            float[] values = map.toType(DataType.FLOAT32, false).toFloatArray();
            byte[] bytes = new byte[values.length];
            for (int i = 0; i < values.length; i++) {
                float v = Float.isNaN(values[i]) ? 0f : Math.max(0f, Math.min(1f, values[i]));
                bytes[i] = (byte) Math.round(v * 255f);
            }
            if (mw != w || mh != h) {
                bytes = Frames.resizeGray(bytes, mw, mh, w, h);
            }
            return new SaliencyMap(w, h, bytes);
        }
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }
}
