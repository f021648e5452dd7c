package org.ecrl4j.video;

import java.util.Locale;

/**
 * The views of multi-view testing ({@code eval --views CLIPSxCROPS}, the MMAction2/PySlowFast
 * protocol): {@code clips} evenly spaced temporal clips ({@link FrameSampler#view}) times
 * {@code crops} spatial crops along the longer side ({@link CropWindow#view}); the class
 * probabilities (softmax) are averaged over the clips x crops views. {@code 1x1} is the single
 * evaluation clip (segment centres, centre crop).
 *
 * @param clips temporal clips, 1 to 100
 * @param crops spatial crops, 1 to 10
 */
public record Views(int clips, int crops) {
    /** One view: the evaluation clip. */
    public static final Views ONE = new Views(1, 1);

    public Views {
        if (clips < 1 || clips > 100 || crops < 1 || crops > 10) {
            throw new IllegalArgumentException("--views needs 1 to 100 clips and 1 to 10 crops, got " + clips + "x"
                    + crops);
        }
    }

    /**
     * Parses {@code CLIPSxCROPS}, for example {@code 4x3}.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static Views parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        String[] parts = t.split("x", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("--views '" + text + "' is not CLIPSxCROPS (for example 1x1, 4x3, 10x3)");
        }
        try {
            return new Views(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--views '" + text + "' is not CLIPSxCROPS (for example 1x1, 4x3, 10x3)");
        }
    }

    /** clips x crops. */
    public int count() {
        return clips * crops;
    }

    @Override
    public String toString() {
        return clips + "x" + crops;
    }
}
