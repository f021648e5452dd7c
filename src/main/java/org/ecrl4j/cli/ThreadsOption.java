package org.ecrl4j.cli;

import picocli.CommandLine.Option;

/**
 * {@code --threads N}: libtorch's intra-op threads. Must be applied before the engine starts. Two
 * threads on a busy 2-core machine can be 20x slower than one, hence the default of 1.
 */
public final class ThreadsOption {
    @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
            description = "libtorch threads (default: ${DEFAULT-VALUE})")
    int threads;

    /** Sets the engine's thread counts; call before the first tensor operation. */
    public void apply() {
        apply(threads);
    }

    /** Sets libtorch's intra-op threads to {@code threads} (one inter-op thread). */
    static void apply(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.offline", "true");
    }
}
