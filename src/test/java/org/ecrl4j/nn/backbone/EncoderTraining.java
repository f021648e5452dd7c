package org.ecrl4j.nn.backbone;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import java.util.function.IntFunction;
import java.util.Random;
import org.ecrl4j.nn.Losses;

/** A small stage-1 training loop for the tests, following HeadTrainer's patterns. */
final class EncoderTraining {
    private EncoderTraining() {}

    /**
     * Trains {@code model} with Adam and a cosine learning rate on a fresh batch at every step
     * ({@code batchAt.apply(step)}); returns the mean loss of the last tenth of the steps.
     */
    static double train(PooledClassifier model, NDManager manager, IntFunction<MovingSquares> batchAt, int steps,
            float lr, long seed) {
        Optimizer adam = Optimizer.adam()
                .optLearningRateTracker((Tracker) update -> (float) (lr * 0.5 * (1 + Math.cos(Math.PI * (update - 1) / steps))))
                .build();
        List<Parameter> params = new java.util.ArrayList<>(model.encoder().trainableParameters());
        model.fc().getParameters().forEach(p -> params.add(p.getValue()));
        Engine.getInstance().setRandomSeed((int) seed);
        double lossSum = 0;
        int counted = 0;
        for (int s = 0; s < steps; s++) {
            MovingSquares data = batchAt.apply(s);
            try (NDManager step = manager.newSubManager()) {
                NDArray x = clips(step, data, permutation(data.count, null), 0, data.count);
                NDArray labels = step.create(data.labels);
                NDArray loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.forward(new ParameterStore(step, false), new NDList(x), true).head();
                    loss = Losses.crossEntropy(logits, labels);
                    gc.backward(loss);
                }
                for (Parameter p : params) {
                    NDArray w = p.getArray();
                    NDArray g = w.getGradient();
                    g.attach(step);
                    adam.update(p.getId(), w, g);
                    g.subi(g); // gradients accumulate in the PyTorch engine
                }
                if (s >= steps - Math.max(1, steps / 10)) {
                    lossSum += loss.getFloat();
                    counted++;
                }
            }
        }
        return lossSum / counted;
    }

    /** Fraction of clips whose arg-max logit is the label (inference mode). */
    static double accuracy(PooledClassifier model, NDManager manager, MovingSquares data, int batch) {
        int correct = 0;
        int[] identity = permutation(data.count, null);
        for (int from = 0; from < data.count; from += batch) {
            int to = Math.min(data.count, from + batch);
            try (NDManager step = manager.newSubManager()) {
                NDArray logits = model.forward(new ParameterStore(step, false),
                        new NDList(clips(step, data, identity, from, to)), false).head();
                long[] predicted = logits.argMax(1).toLongArray();
                for (int i = from; i < to; i++) {
                    if (predicted[i - from] == data.labels[i]) {
                        correct++;
                    }
                }
            }
        }
        return correct / (double) data.count;
    }

    static NDArray clips(NDManager m, MovingSquares data, int[] order, int from, int to) {
        int len = data.clipLength();
        float[] buf = new float[(to - from) * len];
        for (int i = from; i < to; i++) {
            System.arraycopy(data.clips, order[i] * len, buf, (i - from) * len, len);
        }
        return m.create(buf, new Shape(to - from, 3, data.frames, data.size, data.size));
    }

    static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; random != null && i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
