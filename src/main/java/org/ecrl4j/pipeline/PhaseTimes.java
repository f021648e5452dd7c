package org.ecrl4j.pipeline;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Wall-clock seconds per phase of a long job (the demo's profile: ingest, each stage-1 encoder,
 * heads, evaluation, report), summed over repeats (seeds) in the order phases were first seen.
 * Thread-safe: encoders trained at the same time each add their own time, so phases may overlap
 * and their sum may exceed the job's wall time; the job's own wall phases say how long it took.
 */
public final class PhaseTimes {
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    /** Adds the time since {@code startNanos} ({@link System#nanoTime}) to {@code phase}; returns the seconds added. */
    public double add(String phase, long startNanos) {
        double s = (System.nanoTime() - startNanos) / 1e9;
        add(phase, s);
        return s;
    }

    /** Adds {@code s} seconds to {@code phase}. */
    public synchronized void add(String phase, double s) {
        if (!(s >= 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException("phase " + phase + ": seconds must be finite and >= 0, got " + s);
        }
        seconds.merge(phase, s, Double::sum);
    }

    /** Seconds of {@code phase} (0 when it never ran). */
    public synchronized double get(String phase) {
        return seconds.getOrDefault(phase, 0.0);
    }

    /** A copy: phase to seconds, in first-seen order. */
    public synchronized Map<String, Double> toMap() {
        return new LinkedHashMap<>(seconds);
    }

    /** Prints one line per phase, with its share of {@code total} seconds. */
    public static void print(Map<String, Double> phases, double total, PrintStream out) {
        out.printf(Locale.ROOT, "time per phase (wall seconds; encoders trained side by side overlap):%n");
        for (var e : phases.entrySet()) {
            out.printf(Locale.ROOT, "  %-28s %8.1f s  %5.1f%%%n", e.getKey(), e.getValue(),
                    total > 0 ? 100 * e.getValue() / total : 0);
        }
        out.printf(Locale.ROOT, "  %-28s %8.1f s%n", "total", total);
    }
}
