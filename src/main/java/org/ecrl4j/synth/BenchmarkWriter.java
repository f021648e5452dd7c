package org.ecrl4j.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.ecrl4j.util.AtomicFiles;
import org.ecrl4j.util.OutputFolder;

/**
 * Writes a benchmark to a folder:
 *
 * <pre>
 * DIR/annotations.csv        path,label,split,background,shape,seed (one row per video)
 * DIR/classes.txt            one class name per line, in index order
 * DIR/benchmark.json         the parameters, counts, homes and file formats
 * DIR/videos/SPLIT/N.mp4     the videos
 * DIR/masks/SPLIT/N.png      the per-frame object masks of each video (see {@link MaskStrip})
 * </pre>
 *
 * Videos are rendered and encoded in parallel; each depends only on its own seed, so the result is
 * the same for any number of threads. Every file is written atomically; the annotations come last,
 * so a folder with {@code annotations.csv} is complete. A video that fails is reported and left out
 * of the annotations, and the others are kept.
 */
public final class BenchmarkWriter {
    /** The annotation file's name. */
    public static final String ANNOTATIONS = "annotations.csv";
    /** The class list's name. */
    public static final String CLASSES = "classes.txt";
    /** The parameter file's name. */
    public static final String PARAMETERS = "benchmark.json";
    /** The annotation columns. */
    public static final List<String> COLUMNS = List.of("path", "label", "split", "background", "shape", "seed");

    /** What a run wrote. */
    public record Summary(int videos, List<String> failures, long bytes, int files) {}

    private final BenchmarkPlan plan;
    private final int threads;
    private final PrintStream progress;

    /**
     * @param plan the benchmark
     * @param threads worker threads (1 or more)
     * @param progress where progress lines go (stderr in the CLI), or {@code null} for none
     */
    public BenchmarkWriter(BenchmarkPlan plan, int threads, PrintStream progress) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.plan = plan;
        this.threads = threads;
        this.progress = progress;
    }

    /**
     * Writes the benchmark to {@code dir}, which must be absent or empty unless {@code overwrite},
     * in which case an earlier ecrl4j output there is replaced ({@link OutputFolder}). A run that
     * fails removes what it wrote; a killed one leaves a folder that {@code overwrite} replaces.
     */
    public Summary write(Path dir, boolean overwrite) throws IOException {
        OutputFolder folder = OutputFolder.open(dir, "synth", overwrite, false, false);
        try {
            return folder.run(() -> writeInto(dir), d -> false);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private Summary writeInto(Path dir) throws IOException {
        SynthConfig cfg = plan.config();
        EventRenderer renderer = new EventRenderer(cfg.size(), cfg.frames(), cfg.hardness());
        List<BenchmarkPlan.Entry> entries = plan.entries();
        boolean[] ok = new boolean[entries.size()];
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger done = new AtomicInteger();
        int step = Math.max(1, entries.size() / 20);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "synth-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    BenchmarkPlan.Entry e = entries.get(k);
                    try {
                        RenderedVideo v = renderer.render(e.spec());
                        MaskStrip.write(dir.resolve(e.maskPath()), v.masks(), cfg.size(), cfg.size());
                        Mp4Writer.write(dir.resolve(e.path()), v.frames(), cfg.fps(), cfg.codec());
                        ok[k] = true;
                    } catch (IOException | RuntimeException ex) {
                        failures.add(e.path() + ": " + ex.getMessage());
                        report("synth: FAILED " + e.path() + ": " + ex.getMessage());
                    }
                    int n = done.incrementAndGet();
                    if (n % step == 0 || n == entries.size()) {
                        report("synth: " + n + "/" + entries.size() + " videos");
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while writing the benchmark to " + dir, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("Writing the benchmark to " + dir + " failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        AtomicFiles.writeString(dir.resolve(CLASSES), classesText());
        AtomicFiles.writeString(dir.resolve(PARAMETERS), parametersJson());
        AtomicFiles.writeString(dir.resolve(ANNOTATIONS), annotationsCsv(ok));
        List<String> sortedFailures = new ArrayList<>(failures);
        sortedFailures.sort(Comparator.naturalOrder());
        long[] size = {0};
        int[] files = {0};
        try (Stream<Path> walk = Files.walk(dir)) {
            // The marker is bookkeeping, not part of the benchmark.
            walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals(OutputFolder.MARKER))
                    .forEach(p -> {
                files[0]++;
                try {
                    size[0] += Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return new Summary(entries.size() - sortedFailures.size(), sortedFailures, size[0], files[0]);
    }

    private void report(String line) {
        if (progress != null) {
            synchronized (progress) {
                progress.println(line);
                progress.flush();
            }
        }
    }

    /** The annotation CSV of the videos marked ok, in plan order. */
    String annotationsCsv(boolean[] ok) throws IOException {
        StringWriter sw = new StringWriter();
        CSVFormat fmt = CSVFormat.DEFAULT.builder().setHeader(COLUMNS.toArray(String[]::new))
                .setRecordSeparator('\n').get();
        try (CSVPrinter csv = new CSVPrinter(sw, fmt)) {
            List<BenchmarkPlan.Entry> entries = plan.entries();
            for (int i = 0; i < entries.size(); i++) {
                if (!ok[i]) {
                    continue;
                }
                BenchmarkPlan.Entry e = entries.get(i);
                VideoSpec s = e.spec();
                csv.printRecord(e.path(), s.label().label(), e.split().label(), s.background().label(),
                        s.shapeLabel(), Long.toString(s.seed()));
            }
        }
        return sw.toString();
    }

    private String classesText() {
        StringBuilder sb = new StringBuilder();
        for (EventClass c : plan.classes()) {
            sb.append(c.label()).append('\n');
        }
        return sb.toString();
    }

    /** The parameters file: everything needed to read and to regenerate the benchmark. */
    String parametersJson() throws IOException {
        SynthConfig cfg = plan.config();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("benchmark", "Confounded Events");
        root.put("generator", "ecrl4j synth");
        root.put("classes", plan.classes().stream().map(EventClass::label).toList());
        root.put("perClass", cfg.perClass());
        root.put("size", cfg.size());
        root.put("frames", cfg.frames());
        root.put("fps", cfg.fps());
        root.put("bgBias", cfg.bgBias());
        root.put("objBias", cfg.objBias());
        root.put("seed", cfg.seed());
        root.put("codec", cfg.codec().label());
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Split s : Split.values()) {
            counts.put(s.label(), s.countPerClass(cfg.perClass()));
        }
        root.put("videosPerClass", counts);
        root.put("videos", plan.entries().size());
        root.put("backgrounds", plan.backgrounds().stream().map(Background::label).toList());
        root.put("shapes", plan.shapes().stream().map(ObjectShape::label).toList());
        Map<String, Object> homes = new LinkedHashMap<>();
        for (EventClass c : plan.classes()) {
            Map<String, String> home = new LinkedHashMap<>(); // ordered: the file must be reproducible
            home.put("background", BenchmarkPlan.homeBackground(c).label());
            home.put("shape", BenchmarkPlan.homeShape(c).label());
            home.put("reverseOf", c.partner().label());
            homes.put(c.label(), home);
        }
        root.put("homes", homes);
        root.put("sampledFrames", SynthConfig.sampledFrames(cfg.frames(), SynthConfig.SAMPLED_FRAMES));
        root.put("noise", EventRenderer.NOISE);
        if (!cfg.hardness().none()) { // the default preset's file stays as it was, byte for byte
            root.put("hardness", cfg.hardness().toJson());
        }
        root.put("annotations", ANNOTATIONS + ": " + String.join(",", COLUMNS)
                + "; path relative to this folder; shape 'none' when a bg-only video has no object");
        root.put("masks", "masks/SPLIT/N.png for videos/SPLIT/N.mp4: 8-bit greyscale PNG, the frames' masks"
                + " stacked top to bottom (width = size, height = frames * size), 255 = object pixel");
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        return om.writeValueAsString(root) + "\n";
    }

}
