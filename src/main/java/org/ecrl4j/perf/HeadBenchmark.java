package org.ecrl4j.perf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.SplittableRandom;
import org.ecrl4j.dictionary.ConfounderDictionary;
import org.ecrl4j.dictionary.DictionaryKind;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.nn.HeadShape;
import org.ecrl4j.nn.InferenceCache;
import org.ecrl4j.nn.Layers;
import org.ecrl4j.util.Precision;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.TrainOptions;
import org.ecrl4j.train.TrainStep;

/**
 * Times the full ECRL head (configuration {@code ecrl}) on random features: training steps per
 * second (forward, loss, backward, Adam with weight decay, gradients zeroed: the {@link TrainStep}
 * that {@code HeadTrainer} runs) and inference batches per second (forward without gradients, with
 * or without the head's inference cache), each after a warm-up. The model is built once, so repeated rounds measure the same state. Close it
 * when done.
 */
public final class HeadBenchmark implements AutoCloseable {
    /** System property read by DJL's PyTorch engine for intra-op threads, when the engine starts. */
    public static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
    /** System property read by DJL's PyTorch engine for inter-op threads, when the engine starts. */
    public static final String INTEROP_THREADS_PROPERTY = "ai.djl.pytorch.num_interop_threads";

    private final BenchSizes sizes;
    private final HeadModel model;
    private final TrainStep step;
    private final float[][] streams;
    private final long[] labels;

    /**
     * Builds the head and its inputs.
     *
     * @param seed fixes parameters, features, dictionaries and labels
     */
    public HeadBenchmark(BenchSizes sizes, long seed) {
        this(sizes, seed, Precision.FP32);
    }

    /**
     * Builds the head and its inputs, with the head's matrix work in {@code precision}.
     *
     * @param seed fixes parameters, features, dictionaries and labels
     */
    public HeadBenchmark(BenchSizes sizes, long seed, Precision precision) {
        this.sizes = sizes;
        SplittableRandom random = new SplittableRandom(seed);
        int d = sizes.width();
        float[][] z = gaussian(random, sizes.confounders(), d);
        float[] prior = new float[sizes.confounders()];
        java.util.Arrays.fill(prior, 1f / prior.length);
        float[][] g = gaussian(random, sizes.globalEntries(), d);
        HeadConfig config = Recipes.ECRL.head().toBuilder().globalEntries(sizes.globalEntries()).build();
        model = HeadModel.create(config, new HeadShape(sizes.frames(), d, sizes.classes()),
                new ConfounderDictionary(z, prior, DictionaryKind.BACKGROUND), g, seed);
        model.head().setPrecision(precision);
        TrainOptions options = TrainOptions.pretrained(seed);
        step = new TrainStep(model, TrainStep.adam(options, 1_000_000));
        streams = new float[3][sizes.batch() * sizes.frames() * d];
        for (float[] x : streams) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) gaussian(random);
            }
        }
        labels = new long[sizes.batch()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(sizes.classes());
        }
    }

    /**
     * The batch's streams, created in the step's manager as HeadTrainer's batches are: every array
     * computed from them then belongs to the step and is freed with it.
     */
    private NDList streams(NDManager stepManager) {
        Shape stream = new Shape(sizes.batch(), sizes.frames(), sizes.width());
        return new NDList(stepManager.create(streams[0], stream), stepManager.create(streams[1], stream),
                stepManager.create(streams[2], stream));
    }

    /**
     * Sets the engine's threads: the system properties (effective only if the engine has not
     * started yet) and then the intra-op count of the running engine.
     */
    public static void useThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        System.setProperty(THREADS_PROPERTY, Integer.toString(threads));
        System.setProperty(INTEROP_THREADS_PROPERTY, Integer.toString(threads));
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
    }

    /** The intra-op threads of the running engine. */
    public static int engineThreads() {
        return JniUtils.getNumThreads();
    }

    public BenchSizes sizes() {
        return sizes;
    }

    /** Number of trained parameters. */
    public long parameterCount() {
        long n = 0;
        for (var p : model.head().getParameters()) {
            if (p.getValue().requiresGradient()) {
                n += p.getValue().getArray().getShape().size();
            }
        }
        return n;
    }

    /** Runs {@code warmup} untimed then {@code steps} timed training steps; returns steps per second. */
    public double trainRate(int warmup, int steps) {
        for (int i = 0; i < warmup; i++) {
            trainStep();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            trainStep();
        }
        return steps / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * Runs {@code warmup} untimed then {@code batches} timed inference batches; returns batches per
     * second.
     *
     * @param cached run the batches inside an inference cache, as {@code HeadModel.outputs} does
     *     (G's projections computed once, inside the timing); false recomputes them every batch, as
     *     the peer does
     */
    public double inferenceRate(int warmup, int batches, boolean cached) {
        for (int i = 0; i < warmup; i++) {
            inferenceBatch();
        }
        long t0 = System.nanoTime();
        try (InferenceCache cache = cached ? model.head().cacheForInference(model.manager()) : null) {
            for (int i = 0; i < batches; i++) {
                inferenceBatch();
            }
        }
        return batches / ((System.nanoTime() - t0) / 1e9);
    }

    /** One training step; returns the loss (read as HeadTrainer reads it, which also waits for the step). */
    public float trainStep() {
        try (NDManager stepManager = model.manager().newSubManager()) {
            float loss = step.run(stepManager, streams(stepManager), stepManager.create(labels)).loss().getFloat();
            if (!Float.isFinite(loss)) {
                throw new IllegalStateException("Benchmark training diverged: loss " + loss);
            }
            return loss;
        }
    }

    /** One inference batch; returns the first logit (which also waits for the batch). */
    public float inferenceBatch() {
        try (NDManager stepManager = model.manager().newSubManager()) {
            return model.forward(stepManager, streams(stepManager)).get("logits").getFloat(0, 0);
        }
    }

    /**
     * Runs a few training steps or inference batches under the PyTorch profiler and writes its trace
     * (Chrome trace format, with input shapes) to {@code file}.
     */
    public void profile(java.nio.file.Path file, boolean training, int count) {
        JniUtils.startProfile(false, true, false);
        try {
            for (int i = 0; i < count; i++) {
                if (training) {
                    trainStep();
                } else {
                    inferenceBatch();
                }
            }
        } finally {
            JniUtils.stopProfile(file.toAbsolutePath().toString());
        }
    }

    /**
     * The best rate, in FLOP/s, of an n × n × n single-precision matrix product on the engine's
     * threads, over {@code repeats} timed products after one untimed.
     */
    public static double sgemmRate(int n, int repeats, long seed) {
        return gemmRate(n, repeats, seed, Precision.FP32);
    }

    /**
     * The best rate, in FLOP/s, of an n × n × n matrix product in {@code precision} (bf16: float32
     * operands cast to bfloat16, multiplied, the result cast back, as the head's bf16 products do) on the engine's threads, over {@code repeats} timed
     * products after one untimed.
     */
    public static double gemmRate(int n, int repeats, long seed, Precision precision) {
        try (NDManager m = NDManager.newBaseManager()) {
            SplittableRandom random = new SplittableRandom(seed);
            float[] x = new float[n * n];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextDouble(-1, 1);
            }
            NDArray a = m.create(x, new Shape(n, n));
            NDArray b = a.transpose().duplicate();
            java.util.function.BinaryOperator<NDArray> mm = precision == Precision.BF16
                    ? (x1, x2) -> Layers.matMul(x1, x2, Precision.BF16, false) : NDArray::matMul;
            mm.apply(a, b).close();
            double best = 0;
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                NDArray c = mm.apply(a, b);
                c.getFloat(0, 0);
                double s = (System.nanoTime() - t0) / 1e9;
                c.close();
                best = Math.max(best, 2.0 * n * n * n / s);
            }
            return best;
        }
    }

    private static float[][] gaussian(SplittableRandom random, int rows, int cols) {
        float[][] v = new float[rows][cols];
        for (float[] row : v) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) gaussian(random);
            }
        }
        return v;
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    @Override
    public void close() {
        model.close();
    }
}
