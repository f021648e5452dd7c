package org.ecrl4j.nn.backbone;

/**
 * The size of the clips an encoder is fed: T frames of H x W pixels. Used to probe an imported
 * backbone once at load time, so that a model that breaks the contract fails there and not in the
 * middle of training.
 *
 * @param frames T
 * @param height H
 * @param width W
 */
public record ClipShape(int frames, int height, int width) {
    public ClipShape {
        if (frames < 1) {
            throw new IllegalArgumentException("frames (T) must be >= 1, got " + frames);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("frame size must be >= 1x1, got " + width + "x" + height);
        }
    }

    @Override
    public String toString() {
        return "T=" + frames + " " + width + "x" + height;
    }
}
