package org.ecrl4j.pipeline;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.ecrl4j.saliency.ClipSource;
import org.ecrl4j.saliency.MotionCompensatedSaliency;
import org.ecrl4j.saliency.SaliencyMap;
import org.ecrl4j.saliency.SaliencyMethod;
import org.ecrl4j.train.FusedAdam;
import org.ecrl4j.video.RgbFrame;

/**
 * Learned saliency (issue 15, second approach): a small built-in segmentation net trained on the
 * benchmark's own object masks of the {@code train} split only, then used as the saliency of every
 * split. Per frame its input is the frame (RGB), the motion-compensated saliency map of the clip
 * (the estimate it refines) and the frame's grey difference from the clip's per-pixel mean; four 3x3
 * convolutions (the third dilated by 2, a receptive field of 11x11 pixels) give one logit per
 * pixel, trained with per-pixel binary cross-entropy; the map is 255 where the probability is at
 * least one half and 0 elsewhere (binary, as the oracle's).
 *
 * <p>{@link #train} reads masks only through the {@link MaskSource} and only for clips whose
 * annotation split is {@code train}; one seed fixes the initialisation and the order of the
 * training frames.
 */
public final class LearnedSaliency implements AutoCloseable {
    /** Input channels: R, G, B, the estimate, the grey difference from the clip mean. */
    static final int CHANNELS = 5;
    /** Width of the hidden convolutions. */
    static final int WIDTH = 16;
    /** The only split whose masks are read. */
    public static final String TRAIN_SPLIT = "train";

    /** The true object masks of one stored clip, one 0-255 map per frame. */
    @FunctionalInterface
    public interface MaskSource {
        List<SaliencyMap> masks(StoredClip clip);
    }

    /**
     * How the net is trained.
     *
     * @param steps optimiser steps
     * @param batch frames per step
     * @param learningRate Adam's learning rate
     */
    public record Options(int steps, int batch, float learningRate) {
        /** The demo's: 400 steps of 32 frames, learning rate 0.01. */
        public static final Options DEFAULT = new Options(400, 32, 0.01f);

        public Options {
            if (steps < 1 || batch < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("learned saliency needs steps >= 1, batch >= 1, learning rate > 0");
            }
        }
    }

    private final NDManager manager;
    private final SequentialBlock net;
    private final float finalLoss;

    private LearnedSaliency(NDManager manager, SequentialBlock net, float finalLoss) {
        this.manager = manager;
        this.net = net;
        this.finalLoss = finalLoss;
    }

    /** The mean loss of the last tenth of the training steps. */
    public float finalLoss() {
        return finalLoss;
    }

    /**
     * Trains the net on the {@code train} clips among {@code clips} (the others are ignored; their
     * masks are never asked for).
     *
     * @param clips stored clips whose saliency is the motion-compensated estimate
     * @param masks the true masks, asked only for {@code train} clips
     * @param seed fixes the initialisation and the frame order
     * @throws IllegalArgumentException when there is no train clip
     */
    public static LearnedSaliency train(List<StoredClip> clips, MaskSource masks, long seed, Options options,
            Consumer<String> log) {
        List<float[]> inputs = new ArrayList<>();
        List<float[]> targets = new ArrayList<>();
        int w = -1;
        int h = -1;
        for (StoredClip c : clips) {
            if (!TRAIN_SPLIT.equals(c.sample().split())) {
                continue;
            }
            List<SaliencyMap> truth = masks.masks(c);
            List<float[]> x = features(c.frames(), c.saliency());
            for (int t = 0; t < x.size(); t++) {
                SaliencyMap m = truth.get(t);
                if (w < 0) {
                    w = m.width();
                    h = m.height();
                } else if (m.width() != w || m.height() != h) {
                    throw new IllegalArgumentException("learned saliency: clip " + c.sample().path() + " is "
                            + m.width() + "x" + m.height() + " but the first train clip is " + w + "x" + h);
                }
                float[] y = new float[w * h];
                byte[] v = m.values();
                for (int i = 0; i < y.length; i++) {
                    y[i] = (v[i] & 0xff) >= 128 ? 1f : 0f;
                }
                inputs.add(x.get(t));
                targets.add(y);
            }
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("learned saliency needs clips of the train split, found none");
        }
        NDManager manager = NDManager.newBaseManager();
        SequentialBlock net = build();
        Engine.getInstance().setRandomSeed((int) seed);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, CHANNELS, h, w));
        List<Parameter> params = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            params.add(p.getValue());
        }
        FusedAdam adam = new FusedAdam(Tracker.fixed(options.learningRate()), 0f, 1);
        Random random = new Random(seed);
        int n = inputs.size();
        int plane = w * h;
        double tail = 0;
        int tailCount = 0;
        int tailFrom = options.steps() - Math.max(1, options.steps() / 10);
        for (int step = 0; step < options.steps(); step++) {
            int b = Math.min(options.batch(), n);
            float[] xb = new float[b * CHANNELS * plane];
            float[] yb = new float[b * plane];
            for (int i = 0; i < b; i++) {
                int k = random.nextInt(n);
                System.arraycopy(inputs.get(k), 0, xb, i * CHANNELS * plane, CHANNELS * plane);
                System.arraycopy(targets.get(k), 0, yb, i * plane, plane);
            }
            try (NDManager sm = manager.newSubManager()) {
                NDArray x = sm.create(xb, new Shape(b, CHANNELS, h, w));
                NDArray y = sm.create(yb, new Shape(b, 1, h, w));
                NDArray loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray z = net.forward(new ParameterStore(sm, false), new NDList(x), true).head();
                    // Numerically stable BCE with logits: max(z,0) - z*y + log(1 + exp(-|z|)).
                    loss = z.maximum(0).sub(z.mul(y)).add(z.abs().neg().exp().add(1).log()).mean();
                    gc.backward(loss);
                }
                adam.step(params);
                float l = loss.getFloat();
                if (step >= tailFrom) {
                    tail += l;
                    tailCount++;
                }
                if (log != null && (step + 1) % 100 == 0) {
                    log.accept(String.format(java.util.Locale.ROOT, "learned saliency: step %d/%d, loss %.4f", step + 1,
                            options.steps(), l));
                }
            }
        }
        return new LearnedSaliency(manager, net, (float) (tail / tailCount));
    }

    /** The net: 4 convolutions, ReLU between them. */
    static SequentialBlock build() {
        SequentialBlock net = new SequentialBlock();
        net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(WIDTH).build());
        net.add(Activation::relu);
        net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(WIDTH).build());
        net.add(Activation::relu);
        net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(2, 2)).optDilation(new Shape(2, 2))
                .setFilters(WIDTH).build());
        net.add(Activation::relu);
        net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(1).build());
        return net;
    }

    /** The maps of one clip: 255 where the net's probability is at least one half. */
    public List<SaliencyMap> predict(List<RgbFrame> frames, List<SaliencyMap> estimate) {
        List<float[]> x = features(frames, estimate);
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        int plane = w * h;
        float[] xb = new float[x.size() * CHANNELS * plane];
        for (int i = 0; i < x.size(); i++) {
            System.arraycopy(x.get(i), 0, xb, i * CHANNELS * plane, CHANNELS * plane);
        }
        List<SaliencyMap> out = new ArrayList<>(x.size());
        synchronized (this) {
            try (NDManager sm = manager.newSubManager()) {
                NDArray z = net.forward(new ParameterStore(sm, false), new NDList(sm.create(xb,
                        new Shape(x.size(), CHANNELS, h, w))), false).head();
                float[] v = z.toFloatArray();
                for (int i = 0; i < x.size(); i++) {
                    byte[] m = new byte[plane];
                    for (int p = 0; p < plane; p++) {
                        m[p] = (byte) (v[i * plane + p] >= 0 ? 255 : 0);
                    }
                    out.add(new SaliencyMap(w, h, m));
                }
            }
        }
        return out;
    }

    /**
     * This net as a saliency method over raw clips: the motion-compensated maps, then the net (for
     * the training clips that augmentation decodes again). One instance per thread; the net is
     * shared (its forward passes are serialised) and stays owned by this object.
     */
    public SaliencyMethod method() {
        return new SaliencyMethod() {
            @Override
            public String name() {
                return "learned";
            }

            @Override
            public List<SaliencyMap> compute(List<RgbFrame> frames, ClipSource source) {
                return predict(frames, MotionCompensatedSaliency.DEFAULT.compute(frames, source));
            }
        };
    }

    /** A copy of a stored clip whose saliency is this net's maps. */
    public StoredClip apply(StoredClip c) {
        return new StoredClip(c.sample(), c.label(), c.frameIndices(), c.frames(), predict(c.frames(), c.saliency()));
    }

    /** Per frame, CHANNELS planes of w*h values: R, G, B in 0-1, the estimate in 0-1, |grey - clip mean grey| in 0-1. */
    static List<float[]> features(List<RgbFrame> frames, List<SaliencyMap> estimate) {
        if (frames.size() != estimate.size()) {
            throw new IllegalArgumentException(frames.size() + " frames but " + estimate.size() + " saliency maps");
        }
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        int plane = w * h;
        float[] mean = new float[plane];
        List<float[]> grey = new ArrayList<>();
        for (RgbFrame f : frames) {
            byte[] px = f.pixels();
            float[] g = new float[plane];
            for (int i = 0; i < plane; i++) {
                g[i] = (0.299f * (px[3 * i] & 0xff) + 0.587f * (px[3 * i + 1] & 0xff) + 0.114f * (px[3 * i + 2] & 0xff)) / 255f;
                mean[i] += g[i] / frames.size();
            }
            grey.add(g);
        }
        List<float[]> out = new ArrayList<>(frames.size());
        for (int t = 0; t < frames.size(); t++) {
            byte[] px = frames.get(t).pixels();
            byte[] s = estimate.get(t).values();
            float[] x = new float[CHANNELS * plane];
            for (int i = 0; i < plane; i++) {
                x[i] = (px[3 * i] & 0xff) / 255f;
                x[plane + i] = (px[3 * i + 1] & 0xff) / 255f;
                x[2 * plane + i] = (px[3 * i + 2] & 0xff) / 255f;
                x[3 * plane + i] = (s[i] & 0xff) / 255f;
                x[4 * plane + i] = Math.abs(grey.get(t)[i] - mean[i]);
            }
            out.add(x);
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
