package org.ecrl4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.ecrl4j.saliency.ClipIngest;
import org.ecrl4j.saliency.SaliencyMethod;
import org.ecrl4j.saliency.SaliencyMethods;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.util.AtomicFiles;
import org.ecrl4j.video.ClipReader;
import org.ecrl4j.video.FrameSampler;
import org.ecrl4j.video.VideoInfo;
import org.ecrl4j.video.VideoReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ecrl4j bench ingest FILES...}: per video, the time to sample and decode T frames, and the
 * time to produce V, S and C (T frames at SIZE x SIZE) with each saliency method; videos per second
 * over the set; and, in the same run, the time of Debian's {@code ffmpeg -i FILE -f null -} (a full
 * decode) on the same files. Each figure is the median of {@code --repeat} runs after one
 * untimed warm-up; bad files are reported and skipped.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Time sampling, decoding, saliency and the split per video, against a full ffmpeg decode.")
public final class BenchIngestCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILES", description = "Video files or frame folders.")
    List<Path> files;

    @Option(names = "--methods", split = ",", defaultValue = "spectral,fine-grained,motion",
            description = "Saliency methods to time (default ${DEFAULT-VALUE}; model:PATH too).")
    List<String> methods;

    @Option(names = "--frames", defaultValue = "8", description = "T, frames per clip (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--size", defaultValue = "224", description = "Input size (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--repeat", defaultValue = "3", description = "Timed runs per figure; the median is shown (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--ffmpeg", defaultValue = "/usr/bin/ffmpeg", description = "The ffmpeg to compare with (default ${DEFAULT-VALUE}).")
    Path ffmpeg;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the per-video figures as CSV.")
    Path csv;

    @Override
    public Integer call() throws Exception {
        if (repeat < 1 || frames < 1 || size < 8) {
            throw new ParameterException(spec.commandLine(), "--repeat and --frames must be >= 1 and --size >= 8");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean haveFfmpeg = Files.isExecutable(ffmpeg);
        if (!haveFfmpeg) {
            out.println("note: " + ffmpeg + " not found, so there is no ffmpeg comparison; install it with: apt-get install ffmpeg");
        }
        Map<String, SaliencyMethod> methodObjects = new LinkedHashMap<>();
        try {
            for (String m : methods) {
                try {
                    methodObjects.put(m, SaliencyMethods.create(m));
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage());
                }
            }
            return run(out, err, haveFfmpeg, methodObjects);
        } finally {
            for (SaliencyMethod m : methodObjects.values()) {
                m.close();
            }
        }
    }

    private int run(PrintWriter out, PrintWriter err, boolean haveFfmpeg, Map<String, SaliencyMethod> methodObjects)
            throws IOException, InterruptedException {
        FrameSampler sampler = FrameSampler.segment(frames);
        Map<String, ClipIngest> ingests = new LinkedHashMap<>();
        for (var e : methodObjects.entrySet()) {
            ingests.put(e.getKey(), new ClipIngest(ClipIngest.Options.of(frames, size, SplitOptions.PAPER), e.getValue()));
        }
        List<String> header = new ArrayList<>(List.of("video", "frames", "seconds", "ffmpeg_ms", "sample_ms", "sample/ffmpeg"));
        for (String m : methodObjects.keySet()) {
            header.add(m + "_ms");
        }
        out.printf("T=%d, %dx%d, median of %d runs; sample = open + probe + decode the %d sampled frames; "
                + "method columns = V, S, C produced with that saliency method%n", frames, size, size, repeat, frames);
        out.println(String.join("\t", header));
        List<List<String>> rows = new ArrayList<>();
        Map<String, Double> totalMs = new LinkedHashMap<>();
        double totalSample = 0;
        double totalFfmpeg = 0;
        int good = 0;
        int bad = 0;
        boolean warmed = false;
        for (Path file : files) {
            err.println("bench ingest: " + file);
            err.flush();
            VideoInfo info;
            try {
                try (VideoReader r = VideoReader.open(file)) {
                    info = r.info();
                    r.read(ClipReader.indices(r, null, sampler, false, 0));
                }
                if (!warmed) {
                    for (ClipIngest ingest : ingests.values()) {
                        ingest.ingest(file, null, false, 0);
                    }
                    warmed = true;
                }
            } catch (RuntimeException e) {
                bad++;
                out.println("BAD  " + e.getMessage());
                continue;
            }
            // ffmpeg and the sampling run alternately, so both see the same machine load
            double[] ff = new double[repeat];
            double[] sm = new double[repeat];
            for (int i = 0; i < repeat; i++) {
                ff[i] = haveFfmpeg && Files.isRegularFile(file) ? ffmpegMs(file) : Double.NaN;
                long t0 = System.nanoTime();
                try (VideoReader r = VideoReader.open(file)) {
                    r.read(ClipReader.indices(r, null, sampler, false, 0));
                }
                sm[i] = (System.nanoTime() - t0) / 1e6;
            }
            double ffMs = median(ff);
            double sampleMs = median(sm);
            List<String> row = new ArrayList<>(List.of(file.toString(), Integer.toString(info.frameCount()),
                    fmt(info.durationSeconds()), fmt(ffMs), fmt(sampleMs), Double.isNaN(ffMs) ? "-" : String.format("%.2f", sampleMs / ffMs)));
            for (var e : ingests.entrySet()) {
                ClipIngest ingest = e.getValue();
                double ms = median(() -> {
                    long t0 = System.nanoTime();
                    ingest.ingest(file, null, false, 0);
                    return (System.nanoTime() - t0) / 1e6;
                });
                totalMs.merge(e.getKey(), ms, Double::sum);
                row.add(fmt(ms));
            }
            good++;
            totalSample += sampleMs;
            totalFfmpeg += Double.isNaN(ffMs) ? 0 : ffMs;
            rows.add(row);
            out.println(String.join("\t", row));
            out.flush();
        }
        out.printf("%d videos timed, %d bad%n", good, bad);
        if (good > 0) {
            out.printf("sampling %d frames: %.1f ms per video; %.1f videos/s%n", frames, totalSample / good, 1000 * good / totalSample);
            if (haveFfmpeg && totalFfmpeg > 0) {
                out.printf("ffmpeg full decode: %.1f ms per video; sampling costs %.2f of it over the set%n",
                        totalFfmpeg / good, totalSample / totalFfmpeg);
            }
            for (var e : totalMs.entrySet()) {
                out.printf("V,S,C with %s: %.1f ms per video; %.2f videos/s%n", e.getKey(), e.getValue() / good,
                        1000 * good / e.getValue());
            }
        }
        out.flush();
        if (csv != null) {
            StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
            for (List<String> row : rows) {
                sb.append(String.join(",", row.stream().map(BenchIngestCommand::csvCell).toList())).append('\n');
            }
            AtomicFiles.writeString(csv, sb.toString());
        }
        return 0;
    }

    /** A timed action in milliseconds. */
    @FunctionalInterface
    interface Timed {
        double ms() throws IOException, InterruptedException;
    }

    private double median(Timed t) throws IOException, InterruptedException {
        double[] v = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            v[i] = t.ms();
        }
        return median(v);
    }

    /** The median; NaN when any value is NaN (a failed ffmpeg run). */
    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v); // NaN sorts last
        int n = v.length;
        if (Double.isNaN(v[n - 1])) {
            return Double.NaN;
        }
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Wall time of {@code ffmpeg -nostdin -v error -i FILE -f null -}, or NaN when it fails. */
    private double ffmpegMs(Path file) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(ffmpeg.toString(), "-nostdin", "-v", "error", "-i", file.toString(),
                "-f", "null", "-");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return Double.NaN;
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        return p.exitValue() == 0 ? ms : Double.NaN;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.1f", v);
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
