package org.ecrl4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The paper's evaluation protocols (MODEL.md section 7): which rows train, which test, and a
 * {@code val} split carved out of training so that no setting and no best epoch is chosen on the
 * test split.
 *
 * <ul>
 *   <li>{@link #MSRVTT}: the paper trains on the 7,010 videos of MSR-VTT's train and validate splits
 *       and tests on its 2,990 test videos. Rows of {@code train} and {@code val} form the training
 *       pool; {@code test} rows are the test split.</li>
 *   <li>{@link #ACTIVITYNET}: the paper tests on ActivityNet's {@code validation} subset (the test
 *       subset is unlabelled). {@code train} rows form the pool; {@code val} ({@code validation})
 *       rows become the {@code test} split.</li>
 *   <li>{@link #NONE}: the annotations' splits as they are.</li>
 * </ul>
 *
 * With a protocol, {@code val} is drawn from the pool: in every class, a seeded share
 * ({@code valFraction}, rounded, at least one video of every class with two or more) of its videos.
 */
public enum Protocol {
    NONE,
    MSRVTT,
    ACTIVITYNET;

    /** The option's value: none, msrvtt or activitynet. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code none}, {@code msrvtt} or {@code activitynet} (any case; msr-vtt too). */
    public static Protocol parse(String s) {
        String n = s == null ? "" : s.strip().toLowerCase(Locale.ROOT).replace("-", "");
        for (Protocol p : values()) {
            if (p.optionName().equals(n)) {
                return p;
            }
        }
        throw new IllegalArgumentException("Unknown --protocol '" + s + "'; use msrvtt, activitynet or none");
    }

    /**
     * The samples with the protocol's splits: {@code train}, {@code val} (carved from the pool) and
     * {@code test}; rows of any other split are kept as they are. {@link #NONE} returns them unchanged.
     *
     * @param valFraction the share of every class of the pool that goes to {@code val}, in (0, 1)
     * @param seed draws the carved videos
     * @throws IllegalArgumentException naming the protocol when the pool or the test split is empty
     */
    public List<VideoSample> apply(List<VideoSample> samples, double valFraction, long seed) {
        if (this == NONE) {
            return samples;
        }
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException("--val-fraction must be in (0, 1), got " + valFraction);
        }
        List<Integer> pool = new ArrayList<>();
        List<VideoSample> out = new ArrayList<>(samples);
        int tests = 0;
        for (int i = 0; i < samples.size(); i++) {
            VideoSample s = samples.get(i);
            String split = DatasetReaders.normalizeSplit(s.split());
            boolean inPool = split.equals("train") || (this == MSRVTT && split.equals("val"));
            boolean test = this == MSRVTT ? split.equals("test") : split.equals("val");
            if (inPool) {
                pool.add(i);
                out.set(i, withSplit(s, "train"));
            } else if (test) {
                tests++;
                out.set(i, withSplit(s, "test"));
            }
        }
        String poolName = this == MSRVTT ? "train and val (MSR-VTT's train and validate)" : "train (ActivityNet's training)";
        String testName = this == MSRVTT ? "test" : "val (ActivityNet's validation)";
        if (pool.isEmpty()) {
            throw new IllegalArgumentException("--protocol " + optionName() + ": the annotations have no row in "
                    + poolName + "; check the split column or use --protocol none");
        }
        if (tests == 0) {
            throw new IllegalArgumentException("--protocol " + optionName() + ": the annotations have no row in "
                    + testName + ", the protocol's test split; check the split column or use --protocol none");
        }
        Map<String, List<Integer>> byClass = new LinkedHashMap<>();
        for (int i : pool) {
            byClass.computeIfAbsent(samples.get(i).label(), k -> new ArrayList<>()).add(i);
        }
        Random random = new Random(seed ^ 0x5EED_0F_7A1L);
        for (List<Integer> rows : byClass.values()) {
            Collections.shuffle(rows, random);
            int n = rows.size() < 2 ? 0 : Math.max(1, (int) Math.round(rows.size() * valFraction));
            for (int k = 0; k < Math.min(n, rows.size() - 1); k++) {
                int i = rows.get(k);
                out.set(i, withSplit(samples.get(i), "val"));
            }
        }
        return out;
    }

    private static VideoSample withSplit(VideoSample s, String split) {
        return new VideoSample(s.path(), s.label(), split, s.segment(), s.attributes());
    }
}
