package org.ecrl4j.synth;

/**
 * Derives independent seeds from a global seed and a few integers (SplitMix64's finaliser applied
 * along the list), so each video's randomness depends only on its own coordinates and the videos can
 * be generated in any order, in parallel, with the same result.
 */
public final class Seeds {
    private Seeds() {}

    /** A 64-bit hash of {@code seed} and {@code parts}. */
    public static long mix(long seed, long... parts) {
        long h = finalise(seed ^ 0x9E3779B97F4A7C15L);
        for (long p : parts) {
            h = finalise(h + 0x9E3779B97F4A7C15L + finalise(p));
        }
        return h;
    }

    /** Like {@link #mix} but never negative, for seeds written to files. */
    public static long derive(long seed, long... parts) {
        return mix(seed, parts) >>> 1;
    }

    private static long finalise(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
