package org.ecrl4j.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.ecrl4j.data.VideoSample;

/**
 * Runs one piece of per-video work over a dataset on worker threads: the one loop behind ingestion
 * ({@link ClipStore}), feature extraction and evaluation ({@link VideoFeatures}). A video whose work
 * fails is skipped and listed with the reason, and the others are kept in annotation order; after
 * {@link Options#maxFailuresInARow} failures in a row the run stops, naming the last one (a wrong
 * folder or codec, not a few bad files). Progress goes out every few percent with the ETA. With a
 * {@link Shard} only every N-th video is processed, so that N processes (or Spark tasks) share a
 * dataset.
 */
public final class DatasetMapper {
    private DatasetMapper() {}

    /** A video whose work failed, with the reason. */
    public record Failure(Path video, String reason) {}

    /**
     * The part {@code index} of {@code count} of a dataset: the videos whose position modulo
     * {@code count} is {@code index}.
     */
    public record Shard(int index, int count) {
        /** The whole dataset. */
        public static final Shard ALL = new Shard(0, 1);

        public Shard {
            if (count < 1 || index < 0 || index >= count) {
                throw new IllegalArgumentException("shard must be i/N with 0 <= i < N, got " + index + "/" + count);
            }
        }

        /** Whether the video at {@code position} belongs to this shard. */
        public boolean holds(int position) {
            return position % count == index;
        }
    }

    /**
     * How the work runs.
     *
     * @param workers worker threads
     * @param verb the past participle of the progress lines ("ingested", "extracted")
     * @param progressParts about how many progress lines a run prints
     * @param maxFailuresInARow stop after this many failures in a row (completion order)
     * @param shard which videos to process
     */
    public record Options(int workers, String verb, int progressParts, int maxFailuresInARow, Shard shard) {
        /** Stop after 10 failures in a row, as PyTorchVideo does. */
        public static final int FAILURES_IN_A_ROW = 10;

        public Options {
            if (progressParts < 1 || maxFailuresInARow < 1 || shard == null) {
                throw new IllegalArgumentException("progress parts and failures in a row must be >= 1, and a shard is needed");
            }
            workers = Math.max(1, workers);
        }

        /** The whole dataset on {@code workers} threads. */
        public static Options of(int workers, String verb, int progressParts) {
            return new Options(workers, verb, progressParts, FAILURES_IN_A_ROW, Shard.ALL);
        }
    }

    /** The work on one video, given its position and the worker's own state. */
    @FunctionalInterface
    public interface Task<S, T> {
        T apply(VideoSample sample, int position, S workerState);
    }

    /**
     * What a run produced.
     *
     * @param outputs one entry per input video, in input order: the work's result, or null for a
     *     video that failed or lies outside the shard
     * @param failures the videos that failed, in completion order
     */
    public record Result<T>(List<T> outputs, List<Failure> failures) {}

    /**
     * Runs {@code task} over {@code samples}.
     *
     * @param workerState creates each worker's own state (e.g. a saliency method), once per thread
     * @param closeState releases a worker state at the end (may do nothing)
     * @param progress receives the progress lines and one {@code skipped PATH: REASON} line per failure
     * @throws IllegalStateException after {@link Options#maxFailuresInARow} failures in a row
     */
    public static <S, T> Result<T> map(List<VideoSample> samples, Options options, Supplier<S> workerState,
            Consumer<S> closeState, Task<S, T> task, Consumer<String> progress) {
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            if (options.shard().holds(i)) {
                todo.add(i);
            }
        }
        Object[] out = new Object[samples.size()];
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        List<S> created = Collections.synchronizedList(new ArrayList<>());
        ThreadLocal<S> state = ThreadLocal.withInitial(() -> {
            S s = workerState.get();
            created.add(s);
            return s;
        });
        AtomicInteger done = new AtomicInteger();
        AtomicInteger inARow = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        int total = todo.size();
        int step = Math.max(1, total / options.progressParts());
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(options.workers());
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int k : todo) {
                futures.add(pool.submit(() -> {
                    if (stopped.get()) {
                        return null; // the run stopped: the queued videos are not started
                    }
                    VideoSample s = samples.get(k);
                    try {
                        out[k] = task.apply(s, k, state.get());
                        inARow.set(0);
                    } catch (RuntimeException e) {
                        failures.add(new Failure(s.path(), String.valueOf(e.getMessage())));
                        if (inARow.incrementAndGet() >= options.maxFailuresInARow()) {
                            stopped.set(true);
                            throw new IllegalStateException("stopped after " + options.maxFailuresInARow()
                                    + " videos in a row failed, the last " + s.path() + ": " + e.getMessage()
                                    + "; check the dataset with `ecrl4j check-videos`");
                        }
                    }
                    int n = done.incrementAndGet();
                    if (n % step == 0 || n == total) {
                        double secs = (System.nanoTime() - start) / 1e9;
                        progress.accept(String.format(Locale.ROOT, "%s %d/%d videos (%.0f s, ETA %.0f s)",
                                options.verb(), n, total, secs, secs / n * (total - n)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted after " + done.get() + " of " + total + " videos", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalStateException stop) {
                throw stop;
            }
            throw new IllegalStateException("Stopped: " + cause.getMessage(), cause);
        } catch (CancellationException e) {
            throw new IllegalStateException("Stopped: " + e.getMessage(), e);
        } finally {
            futures.forEach(f -> f.cancel(true));
            pool.shutdownNow();
            for (S s : created) {
                closeState.accept(s);
            }
        }
        for (Failure f : failures) {
            progress.accept("skipped " + f.video() + ": " + f.reason());
        }
        @SuppressWarnings("unchecked")
        List<T> outputs = (List<T>) Arrays.asList(out);
        return new Result<>(Collections.unmodifiableList(outputs), List.copyOf(failures));
    }
}
