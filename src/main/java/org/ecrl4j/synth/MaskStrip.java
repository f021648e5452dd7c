package org.ecrl4j.synth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.ecrl4j.util.AtomicFiles;

/**
 * The benchmark's mask file: one 8-bit greyscale PNG per video holding its T masks stacked top to
 * bottom (width W, height T * H; frame t is rows {@code t*H .. t*H+H-1}), 255 on the object's
 * pixels, 0 elsewhere. Lossless, small (deflate), and viewable in any image viewer.
 */
public final class MaskStrip {
    static {
        ImageIO.setUseCache(false);
    }

    private MaskStrip() {}

    /** Writes the masks (each {@code width * height} bytes) atomically to {@code target}. */
    public static void write(Path target, List<byte[]> masks, int width, int height) throws IOException {
        BufferedImage img = new BufferedImage(width, height * masks.size(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int t = 0; t < masks.size(); t++) {
            byte[] m = masks.get(t);
            if (m.length != width * height) {
                throw new IllegalArgumentException("Mask " + t + " has " + m.length + " bytes, expected "
                        + width * height + " for " + target);
            }
            System.arraycopy(m, 0, data, t * width * height, m.length);
        }
        AtomicFiles.write(target, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("No PNG writer available for " + target);
            }
        });
    }

    /**
     * Reads a mask strip of frames {@code frameHeight} rows high: one {@code width * frameHeight} byte
     * array per frame, 0 or 255.
     */
    public static List<byte[]> read(Path file, int frameHeight) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("Mask file " + file + " does not exist: the masks of a benchmark video are"
                    + " written by 'ecrl4j synth' as masks/<split>/<id>.png; generate the benchmark again");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException("Mask file " + file + " is not a readable PNG (" + e.getMessage()
                    + "); generate the benchmark again", e);
        }
        if (img == null || img.getType() != BufferedImage.TYPE_BYTE_GRAY) {
            throw new IOException("Mask file " + file + " is not an 8-bit greyscale PNG; generate the benchmark again");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        if (frameHeight <= 0 || h % frameHeight != 0) {
            throw new IOException("Mask file " + file + " is " + w + "x" + h + ", not a stack of frames "
                    + frameHeight + " rows high; check the frame size in benchmark.json");
        }
        byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        List<byte[]> out = new ArrayList<>(h / frameHeight);
        for (int t = 0; t < h / frameHeight; t++) {
            byte[] m = new byte[w * frameHeight];
            System.arraycopy(data, t * m.length, m, 0, m.length);
            out.add(m);
        }
        return out;
    }
}
