package org.ecrl4j.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeadFlopsTest {
    /** The forward FLOPs of the ecrl head written out as one polynomial in the sizes. */
    private static long closedForm(long b, long t, long d, long l, long kc, long kg) {
        long ccm = 3 * 2 * b * t * d * d + 2 * 2 * b * t * t * d + 2 * b * d * d + 2 * b * t * d + 2 * b * t * d
                + 4 * b * d * d;
        long bd = 2 * b * d * d + 2 * kc * d * d + 2 * b * kc * d + 2 * b * kc * d + 2 * b * d * d + 2 * b * d * d;
        long local = 2 * b * d * d + 4 * 2 * b * t * d * d + 2 * b * t * d + 2 * b * t * d;
        long global = 2 * b * d * d + 3 * 2 * kg * d * d + 2 * b * kg * d * d + 2 * b * kg * d + 2 * b * kg * d;
        return 2 * ccm + 4 * b * d * d + bd + 2 * b * d * l + local + global + 4 * b * d * d + 2 * b * d * l;
    }

    @Test
    void forwardCountMatchesTheClosedForm() {
        assertEquals(closedForm(8, 8, 768, 20, 20, 512), HeadFlops.ecrl(BenchSizes.paper()).inference());
        assertEquals(closedForm(3, 5, 7, 2, 4, 6), HeadFlops.ecrl(new BenchSizes(3, 5, 7, 2, 4, 6)).inference());
    }

    @Test
    void paperSizesGiveAbout22GflopPerTrainingStep() {
        HeadFlops f = HeadFlops.ecrl(BenchSizes.paper());
        // The per-video W_h2 product of the global unit: 2·B·K_g·d² forward, twice that backward.
        long wh2 = 2L * 8 * 512 * 768 * 768;
        assertEquals(3 * wh2, f.products().stream().filter(p -> p.name().equals("glca.global.wh_query_key"))
                .mapToLong(p -> p.forward() + p.backward()).sum());
        assertTrue(f.training() > 22.0e9 && f.training() < 23.0e9, "training FLOPs " + f.training());
        // Backward is at most twice the forward; the features and Z take no gradient, so a bit less.
        assertTrue(f.training() < 3 * f.inference() && f.training() > 2.9 * f.inference());
        // The inference cache removes exactly the three (K_g,d)x(d,d) projections of G.
        assertEquals(f.inference() - 3 * 2L * 512 * 768 * 768, f.inferenceCached());
    }
}
