package org.ecrl4j.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * One clip as a float tensor of shape (C, T, H, W) = (3, T, H, W), row-major: the value of channel
 * c, frame t, pixel (x, y) is {@code data[((c * T + t) * H + y) * W + x]}. A batch of clips stacks
 * to the model's NCTHW layout (B, 3, T, H, W).
 */
public record ClipTensor(float[] data, int channels, int frames, int height, int width) {
    public ClipTensor {
        if (channels <= 0 || frames <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("Clip shape must be positive, got (" + channels + "," + frames + ","
                    + height + "," + width + ")");
        }
        if (data.length != channels * frames * height * width) {
            throw new IllegalArgumentException("Clip of shape (" + channels + "," + frames + "," + height + "," + width
                    + ") needs " + (channels * frames * height * width) + " values, got " + data.length);
        }
    }

    /** The shape (C, T, H, W). */
    public long[] shape() {
        return new long[] {channels, frames, height, width};
    }

    /** The value at channel {@code c}, frame {@code t}, pixel {@code (x, y)}. */
    public float get(int c, int t, int y, int x) {
        return data[((c * frames + t) * height + y) * width + x];
    }

    /** This clip as an NDArray of shape (3, T, H, W) owned by {@code manager}. */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(data, new Shape(channels, frames, height, width));
    }

    /** Clips of one shape stacked into an NDArray of shape (B, 3, T, H, W) owned by {@code manager}. */
    public static NDArray batchToNDArray(NDManager manager, List<ClipTensor> clips) {
        if (clips.isEmpty()) {
            throw new IllegalArgumentException("Cannot batch zero clips");
        }
        try (NDManager scratch = manager.newSubManager()) {
            NDList list = new NDList();
            for (ClipTensor c : clips) {
                list.add(c.toNDArray(scratch));
            }
            NDArray stacked = ai.djl.ndarray.NDArrays.stack(list);
            stacked.attach(manager);
            return stacked;
        }
    }
}
