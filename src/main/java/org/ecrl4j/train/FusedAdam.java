package org.ecrl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.tracker.Tracker;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Adam with L2 weight decay, computing exactly what DJL's {@code Adam} computes (the update of
 * {@code ai.djl.training.optimizer.Adam} with its PyTorch kernel), in one pass over each parameter:
 *
 * <pre>
 *   g  = grad + wd · w
 *   m  = β1 m + (1 - β1) g
 *   v  = β2 v + (1 - β2) g²
 *   w -= (lr_t · m) / (sqrt(v) + ε),      lr_t = lr · sqrt(1 - β2^t) / (1 - β1^t)
 *   grad = 0                               (the PyTorch engine accumulates gradients)
 * </pre>
 *
 * <p>Why not DJL's: its kernel makes eleven passes over every parameter (a clone of the gradient,
 * the in-place moment updates, then four temporaries for the step) and the trainer then needed a
 * twelfth to zero the gradient. At the ECRL head's 18 M parameters that was about a third of a
 * training step, all of it memory traffic. Here each element is read and written once: the weight
 * and the gradient through DJL's direct view of the tensor's memory
 * ({@link NDArray#toByteBuffer(boolean) toByteBuffer(true)}), the moments in Java arrays (the
 * optimiser is their only reader). The work is split over {@code threads} threads.
 */
public final class FusedAdam {
    private static final int BLOCK = 4096;

    private final Tracker learningRate;
    private final float weightDecay;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final ForkJoinPool pool;
    private final Map<String, float[][]> moments = new HashMap<>();
    private int updates;

    /**
     * @param learningRate the learning rate of update t (t = 1 for the first)
     * @param weightDecay L2 weight decay, added to the gradient
     * @param threads threads that share the work
     */
    public FusedAdam(Tracker learningRate, float weightDecay, int threads) {
        this(learningRate, weightDecay, 0.9f, 0.999f, 1e-8f, threads);
    }

    /** Adam with explicit β1, β2 and ε (DJL's defaults are 0.9, 0.999, 1e-8). */
    public FusedAdam(Tracker learningRate, float weightDecay, float beta1, float beta2, float epsilon, int threads) {
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && epsilon > 0)) {
            throw new IllegalArgumentException("Adam needs 0 <= beta < 1 and epsilon > 0, got beta1=" + beta1
                    + ", beta2=" + beta2 + ", epsilon=" + epsilon);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    /** Number of updates made so far. */
    public int updates() {
        return updates;
    }

    /**
     * Writes the optimiser's state (update count and the moments of {@code parameters}, in that
     * order) so that a resumed run continues exactly where this one stopped.
     */
    public void writeState(java.io.DataOutputStream out, List<Parameter> parameters) throws java.io.IOException {
        out.writeInt(updates);
        out.writeInt(parameters.size());
        for (Parameter p : parameters) {
            float[][] mv = moments.get(p.getId());
            int n = mv == null ? -1 : mv[0].length;
            out.writeInt(n);
            for (int k = 0; n >= 0 && k < 2; k++) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(n * 4);
                b.asFloatBuffer().put(mv[k]);
                out.write(b.array());
            }
        }
    }

    /**
     * Reads a state written by {@link #writeState} for the same parameters, in the same order.
     *
     * @throws java.io.IOException when the state belongs to other parameters
     */
    public void readState(java.io.DataInputStream in, List<Parameter> parameters) throws java.io.IOException {
        int u = in.readInt();
        int count = in.readInt();
        if (u < 0 || count != parameters.size()) {
            throw new java.io.IOException("optimiser state for " + count + " parameters, but there are "
                    + parameters.size());
        }
        moments.clear();
        for (Parameter p : parameters) {
            int n = in.readInt();
            if (n < 0) {
                continue;
            }
            if (n != p.getArray().size()) {
                throw new java.io.IOException("optimiser state of " + p.getName() + " has " + n + " values, the"
                        + " parameter " + p.getArray().size());
            }
            float[][] mv = new float[2][n];
            for (int k = 0; k < 2; k++) {
                byte[] bytes = new byte[n * 4];
                in.readFully(bytes);
                java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(mv[k]);
            }
            moments.put(p.getId(), mv);
        }
        updates = u;
    }

    /**
     * Updates every parameter from its gradient, then sets the gradient to zero. Each parameter
     * and its gradient must be dense float32 arrays in CPU memory (as the PyTorch engine keeps them).
     */
    public void step(List<Parameter> parameters) {
        updates++;
        int t = updates;
        float lr = learningRate.getNewValue(t);
        float stepSize = (float) (lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
        if (!Float.isFinite(stepSize)) {
            throw new IllegalStateException("Adam: learning rate " + lr + " at update " + t + " is not finite");
        }
        List<Block> blocks = new ArrayList<>();
        List<NDArray> gradients = new ArrayList<>();
        List<Parameter> first = new ArrayList<>();
        try {
            for (Parameter p : parameters) {
                NDArray weight = p.getArray();
                NDArray grad = weight.getGradient();
                gradients.add(grad);
                FloatBuffer w = view(weight, p.getName());
                FloatBuffer g = view(grad, p.getName() + " gradient");
                int n = w.capacity();
                if (g.capacity() != n) {
                    throw new IllegalStateException("Parameter " + p.getName() + " has " + n
                            + " values but its gradient " + g.capacity());
                }
                float[][] mv = moments.get(p.getId());
                if (mv == null) {
                    mv = new float[][] {new float[n], new float[n]};
                    moments.put(p.getId(), mv);
                    first.add(p);
                }
                for (int from = 0; from < n; from += BLOCK) {
                    blocks.add(new Block(w, g, mv[0], mv[1], from, Math.min(n, from + BLOCK)));
                }
            }
            if (pool == null) {
                float[][] scratch = new float[4][BLOCK];
                for (Block b : blocks) {
                    update(b, stepSize, scratch);
                }
            } else {
                // A few contiguous runs of blocks per thread, each with its own scratch arrays.
                int runs = Math.min(blocks.size(), pool.getParallelism() * 4);
                pool.submit(() -> IntStream.range(0, runs).parallel().forEach(r -> {
                    float[][] scratch = new float[4][BLOCK];
                    for (int i = r * blocks.size() / runs; i < (r + 1) * blocks.size() / runs; i++) {
                        update(blocks.get(i), stepSize, scratch);
                    }
                })).join();
            }
            for (Parameter p : first) {
                checkWrittenThrough(p);
            }
        } finally {
            for (NDArray g : gradients) {
                g.close(); // the handle only; the engine keeps the parameter's gradient
            }
        }
    }

    /**
     * On a parameter's first update: its gradient must now read as zero through the engine. A
     * view that was in fact a copy would leave it unchanged, and every later update would be lost.
     */
    private static void checkWrittenThrough(Parameter p) {
        try (NDArray grad = p.getArray().getGradient()) {
            if (grad.size() > 0 && grad.flatten().getFloat(0) != 0f) {
                throw new IllegalStateException("FusedAdam: the engine gave a copy of " + p.getName()
                        + "'s gradient instead of a view of its memory, so updates would be lost; the parameter"
                        + " must be a dense CPU float32 array");
            }
        }
    }

    private record Block(FloatBuffer w, FloatBuffer g, float[] m, float[] v, int from, int to) {}

    private static final float[] ZEROS = new float[BLOCK];

    private void update(Block b, float stepSize, float[][] scratch) {
        // Every array of the loop is indexed by the same i (the moments are copied into scratch
        // too), which lets the JIT vectorise it: 2.5x faster than indexing the moments in place.
        float[] w = scratch[0];
        float[] g = scratch[1];
        float[] m = scratch[2];
        float[] v = scratch[3];
        int len = b.to - b.from;
        b.w.get(b.from, w, 0, len);
        b.g.get(b.from, g, 0, len);
        System.arraycopy(b.m, b.from, m, 0, len);
        System.arraycopy(b.v, b.from, v, 0, len);
        float wd = weightDecay;
        float beta1l = beta1;
        float beta2l = beta2;
        float c1 = 1 - beta1;
        float c2 = 1 - beta2;
        float eps = epsilon;
        for (int i = 0; i < len; i++) {
            float gi = g[i] + wd * w[i];
            float mi = m[i] * beta1l + c1 * gi;
            float vi = v[i] * beta2l + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            w[i] -= (mi * stepSize) / ((float) Math.sqrt(vi) + eps);
        }
        b.w.put(b.from, w, 0, len);
        b.g.put(b.from, ZEROS, 0, len);
        System.arraycopy(m, 0, b.m, b.from, len);
        System.arraycopy(v, 0, b.v, b.from, len);
    }

    /** The array's memory as floats, written through; refuses anything that is not a dense float32 view. */
    private static FloatBuffer view(NDArray array, String what) {
        if (array.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32 || !ai.djl.Device.Type.CPU.equals(array.getDevice().getDeviceType())) {
            throw new IllegalStateException("FusedAdam updates float32 CPU parameters; " + what + " is "
                    + array.getDataType() + " on " + array.getDevice());
        }
        java.nio.ByteBuffer bytes = array.toByteBuffer(true);
        if (!bytes.isDirect() || bytes.isReadOnly() || bytes.capacity() != array.size() * 4) {
            throw new IllegalStateException("FusedAdam needs a writable view of " + what + "'s memory, but the engine"
                    + " returned a copy");
        }
        return bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
