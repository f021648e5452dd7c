package org.ecrl4j.perf;

/**
 * The sizes a head benchmark runs at, with the legend of MODEL.md.
 *
 * @param batch B, videos per step
 * @param frames T
 * @param width d
 * @param classes L
 * @param confounders K_c, entries of the confounder dictionary Z
 * @param globalEntries K_g, entries of the global dictionary G
 */
public record BenchSizes(int batch, int frames, int width, int classes, int confounders, int globalEntries) {
    public BenchSizes {
        check("batch (B)", batch, 1);
        check("frames (T)", frames, 1);
        check("width (d)", width, 1);
        check("classes (L)", classes, 2);
        check("confounders (K_c)", confounders, 1);
        check("global entries (K_g)", globalEntries, 1);
    }

    private static void check(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
    }

    /** The paper's sizes: B=8, T=8, d=768, L=20 (MSR-VTT), K_c=20 (class dictionary), K_g=512. */
    public static BenchSizes paper() {
        return new BenchSizes(8, 8, 768, 20, 20, 512);
    }

    /** The same sizes with another feature width. */
    public BenchSizes withWidth(int d) {
        return new BenchSizes(batch, frames, d, classes, confounders, globalEntries);
    }
}
