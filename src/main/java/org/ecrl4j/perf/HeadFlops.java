package org.ecrl4j.perf;

import java.util.ArrayList;
import java.util.List;

/**
 * The floating-point operations of the full ECRL head (configuration {@code ecrl}: CCM with TSC on
 * both saliency streams, Ψ, dot-product back-door adjustment with d_a = d, global-local causal
 * attention with the shared global dictionary, two classifiers; MODEL.md sections 2-5), counted
 * from the sizes.
 *
 * <p>Only matrix products are counted, 2·m·k·n each (a multiply and an add per term): they are
 * more than 99% of the arithmetic at the paper's sizes, and they are what a BLAS rate bounds.
 * Element-wise work (softmax, tanh, ReLU, dropout, the loss, Adam) is left out, so the bound
 * {@code flops / sgemm rate} is a lower bound on the time. The backward pass of a product costs one
 * more product for each operand that needs a gradient: the weights always do; an activation does
 * when something trainable comes before it. The input features F_v, F_s, F_c and the confounder
 * dictionary Z never need one.
 */
public final class HeadFlops {
    /**
     * One matrix product (m × k) · (k × n).
     *
     * @param name where it is in the head
     * @param leftGrad whether the left operand needs a gradient in training
     * @param rightGrad whether the right operand needs a gradient in training
     */
    public record Product(String name, long m, long k, long n, boolean leftGrad, boolean rightGrad) {
        /** Forward FLOPs. */
        public long forward() {
            return 2 * m * k * n;
        }

        /** Backward FLOPs: one product per operand that needs a gradient. */
        public long backward() {
            return forward() * ((leftGrad ? 1 : 0) + (rightGrad ? 1 : 0));
        }
    }

    private final List<Product> products;

    private HeadFlops(List<Product> products) {
        this.products = List.copyOf(products);
    }

    /** The products of the {@code ecrl} head at the given sizes. */
    public static HeadFlops ecrl(BenchSizes s) {
        long b = s.batch();
        long t = s.frames();
        long d = s.width();
        long l = s.classes();
        long kc = s.confounders();
        long kg = s.globalEntries();
        long bt = b * t;
        List<Product> p = new ArrayList<>();
        for (String stream : new String[] {"fcm", "bcm"}) {
            // TSC: H = X + P needs a gradient through P.
            p.add(new Product(stream + ".tsc.query", bt, d, d, true, true));
            p.add(new Product(stream + ".tsc.key", bt, d, d, true, true));
            p.add(new Product(stream + ".tsc.value", bt, d, d, true, true));
            p.add(new Product(stream + ".tsc.scores", bt, d, t, true, true));
            p.add(new Product(stream + ".tsc.mix", bt, t, d, true, true));
            p.add(new Product(stream + ".context", b, d, d, true, true));
            p.add(new Product(stream + ".score", bt, d, 1, true, true));
            p.add(new Product(stream + ".pool", b, t, d, true, true));
            p.add(new Product(stream + ".output", b, 2 * d, d, true, true));
        }
        p.add(new Product("psi", b, 2 * d, d, true, true));
        p.add(new Product("backdoor.query", b, d, d, true, true));
        p.add(new Product("backdoor.key", kc, d, d, false, true));
        p.add(new Product("backdoor.scores", b, d, kc, true, true));
        p.add(new Product("backdoor.expectation", b, kc, d, true, false));
        p.add(new Product("backdoor.wa", b, d, d, true, true));
        p.add(new Product("backdoor.wb", b, d, d, true, true));
        p.add(new Product("branch_fc", b, d, l, true, true));
        // Local unit: Q = X = F_v, no gradient into the features.
        p.add(new Product("glca.local.wq", b, d, d, false, true));
        p.add(new Product("glca.local.wv", bt, d, d, false, true));
        p.add(new Product("glca.local.wh_value", bt, d, d, true, true));
        p.add(new Product("glca.local.wk", bt, d, d, false, true));
        p.add(new Product("glca.local.wh_query_key", bt, d, d, true, true));
        p.add(new Product("glca.local.wa", bt, d, 1, true, true));
        p.add(new Product("glca.local.sum", b, t, d, true, false));
        // Global unit over the shared G (trained): its projections once per step, W_h2 per video.
        p.add(new Product("glca.global.wq", b, d, d, false, true));
        p.add(new Product("glca.global.wv", kg, d, d, true, true));
        p.add(new Product("glca.global.wh_value", kg, d, d, true, true));
        p.add(new Product("glca.global.wk", kg, d, d, true, true));
        p.add(new Product("glca.global.wh_query_key", b * kg, d, d, true, true));
        p.add(new Product("glca.global.wa", b * kg, d, 1, true, true));
        p.add(new Product("glca.global.sum", b, kg, d, true, true));
        p.add(new Product("glca.fusion", b, 2 * d, d, true, true));
        p.add(new Product("frontdoor_fc", b, d, l, true, true));
        return new HeadFlops(p);
    }

    /** Every product, in forward order. */
    public List<Product> products() {
        return products;
    }

    /** FLOPs of one inference batch (forward only). */
    public long inference() {
        long f = 0;
        for (Product p : products) {
            f += p.forward();
        }
        return f;
    }

    /**
     * FLOPs of one inference batch inside an inference cache: without the global unit's projections
     * of G (W_v G, W_h1 W_v G, W_k G), which the cache computes once.
     */
    public long inferenceCached() {
        long f = 0;
        for (Product p : products) {
            if (!GLOBAL_PROJECTIONS.contains(p.name())) {
                f += p.forward();
            }
        }
        return f;
    }

    private static final List<String> GLOBAL_PROJECTIONS = List.of("glca.global.wv", "glca.global.wh_value",
            "glca.global.wk");

    /** FLOPs of one training step (forward and backward; the optimiser's element-wise work is not counted). */
    public long training() {
        long f = 0;
        for (Product p : products) {
            f += p.forward() + p.backward();
        }
        return f;
    }
}
