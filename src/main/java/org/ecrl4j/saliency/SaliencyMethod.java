package org.ecrl4j.saliency;

import java.util.List;
import org.ecrl4j.video.RgbFrame;

/**
 * A way of computing saliency maps (MODEL.md section 1.2). It sees the whole clip at once, because
 * motion saliency needs every frame; static methods treat the frames one by one. Implementations
 * are created by {@link SaliencyMethods#create(String)} from a method name; one instance may hold
 * native resources (call {@link #close()}) and is not shared between threads.
 */
public interface SaliencyMethod extends AutoCloseable {
    /** The name it was created from ({@code spectral}, {@code motion}, {@code model:PATH}, ...). */
    String name();

    /**
     * One map per frame, each the size of its frame, values 0-255.
     *
     * @param frames the clip's frames, all of one size
     * @param source where they came from ({@link ClipSource#UNKNOWN} when not known)
     */
    List<SaliencyMap> compute(List<RgbFrame> frames, ClipSource source);

    /** {@link #compute(List, ClipSource)} for frames of unknown origin. */
    default List<SaliencyMap> compute(List<RgbFrame> frames) {
        return compute(frames, ClipSource.UNKNOWN);
    }

    @Override
    default void close() {}

    /** Checks that a clip is non-empty and of one frame size. */
    static void checkClip(List<RgbFrame> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("A clip needs at least one frame");
        }
        RgbFrame first = frames.get(0);
        for (int i = 1; i < frames.size(); i++) {
            RgbFrame f = frames.get(i);
            if (f.width() != first.width() || f.height() != first.height()) {
                throw new IllegalArgumentException("Frame " + i + " is " + f.width() + "x" + f.height()
                        + " but frame 0 is " + first.width() + "x" + first.height());
            }
        }
    }
}
