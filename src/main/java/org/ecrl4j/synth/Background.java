package org.ecrl4j.synth;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The procedural background families, in their index order (class {@code i}'s home background is
 * family {@code i}; a benchmark of N classes uses the first N). Every family draws its colours with
 * a jitter and its texture with a random phase and scale, so two videos of one family differ; the
 * picture is static within a video (the renderer adds the per-frame noise).
 */
public enum Background {
    SKY("sky"),
    GRASS("grass"),
    BRICK("brick"),
    SAND("sand"),
    NIGHT("night"),
    CHECKER("checker"),
    STRIPES("stripes"),
    DOTS("dots"),
    WOOD("wood"),
    CLOUDS("clouds");

    private final String label;

    Background(String label) {
        this.label = label;
    }

    /** The name written in the annotations. */
    public String label() {
        return label;
    }

    /** The backgrounds a benchmark of {@code classes} classes uses: one family per class. */
    public static List<Background> forClasses(int classes) {
        return List.copyOf(Arrays.asList(values()).subList(0, classes));
    }

    /** The family with this label. */
    public static Background ofLabel(String label) {
        for (Background b : values()) {
            if (b.label.equals(label.toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw new IllegalArgumentException("Unknown background '" + label + "'; known: "
                + Arrays.stream(values()).map(Background::label).toList());
    }

    /**
     * Paints one picture of this family, {@code size x size}, RGB interleaved, its colours and
     * texture drawn from {@code rng}.
     */
    public byte[] paint(int size, SplittableRandom rng) {
        float[] img = new float[size * size * 3];
        double phase = rng.nextDouble() * 2 * Math.PI;
        double phase2 = rng.nextDouble() * 2 * Math.PI;
        double scale = 0.85 + 0.3 * rng.nextDouble();
        double offX = rng.nextDouble();
        double offY = rng.nextDouble();
        switch (this) {
            case SKY: {
                double[] top = jitter(rng, 40, 95, 200);
                double[] bottom = jitter(rng, 175, 210, 240);
                fill(img, size, (x, y, out) -> {
                    double k = Math.pow(y, 0.8) + 0.04 * Math.sin(2 * Math.PI * x * scale + phase);
                    mix(top, bottom, clamp01(k), out);
                });
                break;
            }
            case GRASS: {
                double[] base = jitter(rng, 55, 145, 45);
                double f = 10 * scale;
                fill(img, size, (x, y, out) -> {
                    double blade = 0.5 + 0.5 * Math.sin(2 * Math.PI * (x * f + 0.1 * Math.sin(2 * Math.PI * y * 3 + phase2)) + phase);
                    double light = 0.65 + 0.35 * blade + 0.15 * (1 - y);
                    scaleColour(base, light, out);
                });
                break;
            }
            case BRICK: {
                double[] brick = jitter(rng, 170, 70, 50);
                double[] mortar = jitter(rng, 220, 185, 165);
                double rowH = 0.18 * scale;
                long shadeSeed = rng.nextLong();
                fill(img, size, (x, y, out) -> {
                    double ry = y / rowH + offY;
                    int row = (int) Math.floor(ry);
                    double rx = x / (2 * rowH) + offX + (row % 2 == 0 ? 0 : 0.5);
                    int col = (int) Math.floor(rx);
                    double fy = ry - row;
                    double fx = rx - col;
                    if (fy < 0.14 || fx < 0.07) {
                        System.arraycopy(mortar, 0, out, 0, 3);
                    } else {
                        double shade = 0.85 + 0.3 * hash01(shadeSeed, row, col);
                        scaleColour(brick, shade, out);
                    }
                });
                break;
            }
            case SAND: {
                double[] base = jitter(rng, 220, 190, 130);
                double f = 5 * scale;
                fill(img, size, (x, y, out) -> {
                    double w = Math.sin(2 * Math.PI * (y * f + 0.15 * Math.sin(2 * Math.PI * x * 1.5 + phase2)) + phase);
                    scaleColour(base, 0.86 + 0.14 * w, out);
                });
                break;
            }
            case NIGHT: {
                double[] top = jitter(rng, 8, 10, 35);
                double[] bottom = jitter(rng, 25, 30, 75);
                fill(img, size, (x, y, out) -> mix(top, bottom, y, out));
                int stars = Math.max(3, size * size / 70);
                for (int s = 0; s < stars; s++) {
                    int px = rng.nextInt(size);
                    int py = rng.nextInt(size);
                    double b = 170 + 85 * rng.nextDouble();
                    int i = (py * size + px) * 3;
                    img[i] = (float) b;
                    img[i + 1] = (float) b;
                    img[i + 2] = (float) Math.min(255, b + 20);
                }
                break;
            }
            case CHECKER: {
                double[] a = jitter(rng, 230, 230, 225);
                double[] b = jitter(rng, 85, 90, 110);
                double cell = 0.17 * scale;
                fill(img, size, (x, y, out) -> {
                    int cx = (int) Math.floor(x / cell + offX);
                    int cy = (int) Math.floor(y / cell + offY);
                    System.arraycopy(((cx + cy) & 1) == 0 ? a : b, 0, out, 0, 3);
                });
                break;
            }
            case STRIPES: {
                // Two tones of one hue: 4:2:0 video keeps luma edges, blurs hue edges.
                double[] a = jitter(rng, 60, 170, 175);
                double[] b = jitter(rng, 20, 80, 90);
                double period = 0.22 * scale;
                fill(img, size, (x, y, out) -> {
                    double s = (x + y) / period + offX;
                    System.arraycopy(s - Math.floor(s) < 0.5 ? a : b, 0, out, 0, 3);
                });
                break;
            }
            case DOTS: {
                double[] base = jitter(rng, 240, 215, 80);
                double[] dot = jitter(rng, 175, 110, 30);
                double period = 0.25 * scale;
                fill(img, size, (x, y, out) -> {
                    double gx = x / period + offX;
                    double gy = y / period + offY;
                    double dx = gx - Math.floor(gx) - 0.5;
                    double dy = gy - Math.floor(gy) - 0.5;
                    System.arraycopy(dx * dx + dy * dy < 0.28 * 0.28 ? dot : base, 0, out, 0, 3);
                });
                break;
            }
            case WOOD: {
                double[] base = jitter(rng, 150, 100, 55);
                double cx = -0.3 + 0.4 * offX;
                double cy = 0.2 + 0.6 * offY;
                double f = 9 * scale;
                fill(img, size, (x, y, out) -> {
                    double r = Math.sqrt((x - cx) * (x - cx) + 0.15 * (y - cy) * (y - cy));
                    double ring = Math.sin(2 * Math.PI * r * f + 0.6 * Math.sin(2 * Math.PI * y * 2 + phase2) + phase);
                    scaleColour(base, 0.8 + 0.2 * ring, out);
                });
                break;
            }
            case CLOUDS: {
                double[] sky = jitter(rng, 115, 165, 225);
                double[] white = {245, 245, 250};
                int blobs = 5;
                double[] bx = new double[blobs];
                double[] by = new double[blobs];
                double[] br = new double[blobs];
                for (int k = 0; k < blobs; k++) {
                    bx[k] = rng.nextDouble();
                    by[k] = rng.nextDouble() * 0.8;
                    br[k] = (0.08 + 0.1 * rng.nextDouble()) * scale;
                }
                fill(img, size, (x, y, out) -> {
                    double sum = 0;
                    for (int k = 0; k < blobs; k++) {
                        double dx = (x - bx[k]) * 0.6;
                        double dy = y - by[k];
                        sum += Math.exp(-(dx * dx + dy * dy) / (2 * br[k] * br[k]));
                    }
                    mix(sky, white, clamp01(sum), out);
                });
                break;
            }
            default:
                throw new AssertionError(this);
        }
        byte[] rgb = new byte[img.length];
        for (int i = 0; i < img.length; i++) {
            rgb[i] = (byte) (int) Math.round(Math.max(0, Math.min(255, img[i])));
        }
        return rgb;
    }

    /** Colour of the point (x, y), coordinates in [0, 1) of the frame, written to out[0..2]. */
    private interface Pixel {
        void at(double x, double y, double[] out);
    }

    private static void fill(float[] img, int size, Pixel pixel) {
        double[] out = new double[3];
        for (int py = 0; py < size; py++) {
            for (int px = 0; px < size; px++) {
                pixel.at((px + 0.5) / size, (py + 0.5) / size, out);
                int i = (py * size + px) * 3;
                img[i] = (float) out[0];
                img[i + 1] = (float) out[1];
                img[i + 2] = (float) out[2];
            }
        }
    }

    /** A base colour with each channel moved by up to +-22. */
    private static double[] jitter(SplittableRandom rng, double r, double g, double b) {
        return new double[] {
            r + (rng.nextDouble() * 2 - 1) * 22, g + (rng.nextDouble() * 2 - 1) * 22, b + (rng.nextDouble() * 2 - 1) * 22
        };
    }

    private static void mix(double[] a, double[] b, double k, double[] out) {
        for (int c = 0; c < 3; c++) {
            out[c] = a[c] + (b[c] - a[c]) * k;
        }
    }

    private static void scaleColour(double[] a, double k, double[] out) {
        for (int c = 0; c < 3; c++) {
            out[c] = a[c] * k;
        }
    }

    private static double clamp01(double v) {
        return Math.max(0, Math.min(1, v));
    }

    /** A deterministic value in [0, 1) for a cell of a texture. */
    private static double hash01(long seed, int a, int b) {
        long h = Seeds.mix(seed, a, b);
        return (h >>> 11) * 0x1.0p-53;
    }
}
