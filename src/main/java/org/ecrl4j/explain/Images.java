package org.ecrl4j.explain;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.ecrl4j.saliency.SaliencyMap;
import org.ecrl4j.util.AtomicFiles;
import org.ecrl4j.video.RgbFrame;

/** PNG strips of frames, heat-map overlays and saliency maps, drawn with Java2D. */
final class Images {
    private Images() {}

    /** Frames side by side, with a 2-pixel white gap. */
    static BufferedImage strip(List<BufferedImage> tiles) {
        int w = 0;
        int h = 0;
        for (BufferedImage t : tiles) {
            w += t.getWidth() + 2;
            h = Math.max(h, t.getHeight());
        }
        BufferedImage out = new BufferedImage(Math.max(1, w - 2), Math.max(1, h), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        int x = 0;
        for (BufferedImage t : tiles) {
            g.drawImage(t, x, 0, null);
            x += t.getWidth() + 2;
        }
        g.dispose();
        return out;
    }

    /** A frame as an image, scaled by an integer factor (nearest neighbour). */
    static BufferedImage frame(RgbFrame f, int scale) {
        BufferedImage img = new BufferedImage(f.width() * scale, f.height() * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int sx = x / scale;
                int sy = y / scale;
                img.setRGB(x, y, (f.get(sx, sy, 0) << 16) | (f.get(sx, sy, 1) << 8) | f.get(sx, sy, 2));
            }
        }
        return img;
    }

    /** A saliency map as a grey image. */
    static BufferedImage saliency(SaliencyMap m, int scale) {
        BufferedImage img = new BufferedImage(m.width() * scale, m.height() * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int v = m.get(x / scale, y / scale);
                img.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        return img;
    }

    /**
     * A frame with a heat map blended over it (half opacity, blue = 0 to red = the map's maximum); the
     * map is upsampled bilinearly to the frame's size.
     */
    static BufferedImage overlay(RgbFrame f, float[][] map, int scale) {
        BufferedImage img = frame(f, scale);
        float max = 1e-12f;
        for (float[] row : map) {
            for (float v : row) {
                max = Math.max(max, v);
            }
        }
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                double t = bilinear(map, (x + 0.5) / img.getWidth(), (y + 0.5) / img.getHeight()) / max;
                int heat = jet(Math.max(0, Math.min(1, t)));
                int rgb = img.getRGB(x, y);
                int r = (((rgb >> 16) & 255) + ((heat >> 16) & 255)) / 2;
                int g = (((rgb >> 8) & 255) + ((heat >> 8) & 255)) / 2;
                int b = ((rgb & 255) + (heat & 255)) / 2;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /** Bilinear sample of a [h][w] map at relative coordinates (u, v) in [0, 1] (pixel centres). */
    static double bilinear(float[][] map, double u, double v) {
        int h = map.length;
        int w = map[0].length;
        double fx = Math.max(0, Math.min(w - 1, u * w - 0.5));
        double fy = Math.max(0, Math.min(h - 1, v * h - 0.5));
        int x0 = (int) fx;
        int y0 = (int) fy;
        int x1 = Math.min(w - 1, x0 + 1);
        int y1 = Math.min(h - 1, y0 + 1);
        double ax = fx - x0;
        double ay = fy - y0;
        return (1 - ay) * ((1 - ax) * map[y0][x0] + ax * map[y0][x1]) + ay * ((1 - ax) * map[y1][x0] + ax * map[y1][x1]);
    }

    /** The jet colour map: 0 blue, 0.5 green, 1 red. */
    static int jet(double t) {
        double r = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * t - 3)));
        double g = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * t - 2)));
        double b = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * t - 1)));
        return ((int) (255 * r) << 16) | ((int) (255 * g) << 8) | (int) (255 * b);
    }

    static void writePng(Path file, BufferedImage img) throws IOException {
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("No PNG writer for " + file);
            }
        });
    }
}
