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
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.ecrl4j.perf.SamplingPeer;
import org.ecrl4j.saliency.ClipIngest;
import org.ecrl4j.saliency.SaliencyMethod;
import org.ecrl4j.saliency.SaliencyMethods;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.util.AtomicFiles;
import org.ecrl4j.video.ClipReader;
import org.ecrl4j.video.DecodeOptions;
import org.ecrl4j.video.FfmpegVideoReader;
import org.ecrl4j.video.FrameSampler;
import org.ecrl4j.video.RgbFrame;
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
 * decode) on the same files, with the same decoder thread count. Each figure is the median of
 * {@code --repeat} runs after one untimed warm-up; bad files are reported and skipped.
 *
 * <p>{@code --peer}: in the same rounds, the Python peer ({@code tools/peer_sample.py}: PyAV seeking
 * to the keyframe before each sampled frame and decoding forward, threads on, as PyTorchVideo does)
 * samples the same frames with the same thread count; the order of ffmpeg, ecrl4j and the peer
 * alternates from round to round. Per file it also reports the decode floor (the share of frames
 * that must be decoded: reference frames from each keyframe up to its last sampled frame) and
 * checks that both sides returned the same frames (indices and pixel MD5s). {@code --json} prints
 * every round of both sides and their ratios as one JSON object.
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

    @Option(names = "--threads", description = "Decoder threads of ecrl4j, ffmpeg and the peer (default: the available processors, ${DEFAULT-VALUE} here).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--peer", description = "Also time the PyAV peer (tools/peer_sample.py) on the same files, alternating with ours.")
    boolean peer;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with python3-av for the peer (default ${DEFAULT-VALUE}).")
    Path python;

    @Option(names = "--peer-script", paramLabel = "FILE",
            description = "The peer (default: tools/peer_sample.py of the working folder, else beside the jar's project).")
    Path peerScript;

    @Option(names = "--json", description = "Print one JSON object (every round of each side, ratios, floors) on stdout; the table goes to stderr.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (repeat < 1 || frames < 1 || size < 8 || threads < 1) {
            throw new ParameterException(spec.commandLine(), "--repeat, --frames and --threads must be >= 1 and --size >= 8");
        }
        PrintWriter out = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean haveFfmpeg = Files.isExecutable(ffmpeg);
        if (!haveFfmpeg) {
            out.println("note: " + ffmpeg + " not found, so there is no ffmpeg comparison; install it with: apt-get install ffmpeg");
        }
        Map<String, SaliencyMethod> methodObjects = new LinkedHashMap<>();
        try {
            for (String m : methods) {
                if (m.equals("none")) {
                    continue;
                }
                try {
                    methodObjects.put(m, SaliencyMethods.create(m));
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage());
                }
            }
            if (!peer) {
                return run(out, err, haveFfmpeg, methodObjects, null);
            }
            SamplingPeer p;
            try {
                p = new SamplingPeer(python, peerScript());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            try (p) {
                return run(out, err, haveFfmpeg, methodObjects, p);
            }
        } finally {
            for (SaliencyMethod m : methodObjects.values()) {
                m.close();
            }
        }
    }

    private int run(PrintWriter out, PrintWriter err, boolean haveFfmpeg, Map<String, SaliencyMethod> methodObjects,
            SamplingPeer peerRunner) throws IOException, InterruptedException {
        FrameSampler sampler = FrameSampler.segment(frames);
        DecodeOptions decode = new DecodeOptions(DecodeOptions.DEFAULTS.maxDecodeErrors(),
                DecodeOptions.DEFAULTS.timeoutSeconds(), threads, DecodeOptions.DEFAULTS.folderFps());
        Map<String, ClipIngest> ingests = new LinkedHashMap<>();
        for (var e : methodObjects.entrySet()) {
            ingests.put(e.getKey(), new ClipIngest(ClipIngest.Options.of(frames, size, SplitOptions.PAPER), e.getValue()));
        }
        List<String> header = new ArrayList<>(List.of("video", "frames", "seconds", "keyframes", "floor", "ffmpeg_ms",
                "sample_ms", "sample/ffmpeg"));
        if (peerRunner != null) {
            header.addAll(List.of("peer_ms", "peer/sample", "same_frames"));
        }
        for (String m : methodObjects.keySet()) {
            header.add(m + "_ms");
        }
        String loadBefore = loadAverage();
        out.printf("T=%d, %dx%d, %d decoder threads on each side, median of %d alternating rounds; sample = open + probe"
                + " + decode the %d sampled frames; floor = share of the frames that must be decoded; method columns ="
                + " V, S, C produced with that saliency method%n", frames, size, size, threads, repeat, frames);
        out.println(String.join("\t", header));
        List<List<String>> rows = new ArrayList<>();
        Map<String, Double> totalMs = new LinkedHashMap<>();
        ObjectNode report = JSON.createObjectNode();
        report.put("frames", frames);
        report.put("threads", threads);
        report.put("rounds", repeat);
        report.put("machine", machine());
        report.put("load_average_before", loadBefore);
        ArrayNode fileNodes = report.putArray("files");
        double totalSample = 0;
        double totalFfmpeg = 0;
        List<Double> ratios = new ArrayList<>();
        List<Double> peerSpeedups = new ArrayList<>();
        int good = 0;
        int bad = 0;
        boolean warmed = false;
        for (Path file : files) {
            err.println("bench ingest: " + file);
            err.flush();
            VideoInfo info;
            int[] idx;
            int floor = -1;
            long decoded = -1;
            int sections = -1;
            int workers = -1;
            List<String> ours;
            SamplingPeer.Result peerFirst = null;
            String peerError = null;
            try {
                try (VideoReader r = VideoReader.open(file, decode)) {
                    info = r.info();
                    idx = ClipReader.indices(r, null, sampler, false, 0);
                    ours = md5(r.read(idx));
                    if (r instanceof FfmpegVideoReader f) {
                        decoded = f.lastReadDecodedFrames();
                        sections = f.lastReadSections();
                        workers = f.lastReadWorkers();
                        floor = f.decodeFloor(idx);
                    }
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
            boolean peerable = peerRunner != null && Files.isRegularFile(file);
            if (peerable) {
                try {
                    peerFirst = peerRunner.sample(file, frames, threads, true, info.rotationDegrees());
                } catch (IOException e) {
                    peerError = e.getMessage();
                    err.println("peer: " + peerError);
                    peerable = false;
                }
            }
            // ffmpeg, the sampling and the peer run alternately (order reversed every other round),
            // so all see the same machine load
            double[] ff = new double[repeat];
            double[] sm = new double[repeat];
            double[] pm = new double[repeat];
            double[] ffCpu = new double[repeat];
            double[] smCpu = new double[repeat];
            double[] pmCpu = new double[repeat];
            Arrays.fill(pm, Double.NaN);
            Arrays.fill(pmCpu, Double.NaN);
            for (int i = 0; i < repeat; i++) {
                List<String> order = i % 2 == 0 ? List.of("ffmpeg", "ours", "peer") : List.of("peer", "ours", "ffmpeg");
                for (String side : order) {
                    switch (side) {
                        case "ffmpeg" -> {
                            double c0 = cpuMs(true);
                            ff[i] = haveFfmpeg && Files.isRegularFile(file) ? ffmpegMs(file) : Double.NaN;
                            ffCpu[i] = Double.isNaN(ff[i]) ? Double.NaN : cpuMs(true) - c0;
                        }
                        case "ours" -> {
                            double c0 = cpuMs(false);
                            long t0 = System.nanoTime();
                            try (VideoReader r = VideoReader.open(file, decode)) {
                                r.read(ClipReader.indices(r, null, sampler, false, 0));
                            }
                            sm[i] = (System.nanoTime() - t0) / 1e6;
                            smCpu[i] = cpuMs(false) - c0;
                        }
                        default -> {
                            if (peerable) {
                                SamplingPeer.Result pr = peerRunner.sample(file, frames, threads, false, 0);
                                pm[i] = pr.ms();
                                pmCpu[i] = pr.cpuMs();
                            }
                        }
                    }
                }
            }
            double ffMs = median(ff);
            double sampleMs = median(sm);
            double peerMs = median(pm);
            boolean sameIndices = peerFirst != null && Arrays.equals(peerFirst.indices(), idx);
            boolean samePixels = peerFirst != null && peerFirst.md5().equals(ours);
            String same = peerFirst == null ? "-" : sameIndices && samePixels ? "yes" : sameIndices ? "indices" : "no";
            double floorShare = floor < 0 ? Double.NaN : floor / (double) info.frameCount();
            List<String> row = new ArrayList<>(List.of(file.toString(), Integer.toString(info.frameCount()),
                    fmt(info.durationSeconds()), Integer.toString(info.keyframeCount()),
                    Double.isNaN(floorShare) ? "-" : String.format("%.2f", floorShare), fmt(ffMs), fmt(sampleMs),
                    Double.isNaN(ffMs) ? "-" : String.format("%.2f", sampleMs / ffMs)));
            if (peerRunner != null) {
                row.addAll(List.of(fmt(peerMs), Double.isNaN(peerMs) ? "-" : String.format("%.2f", peerMs / sampleMs), same));
            }
            ObjectNode node = fileNodes.addObject();
            node.put("video", file.toString());
            node.put("frames", info.frameCount());
            node.put("width", info.width());
            node.put("height", info.height());
            node.put("seconds", info.durationSeconds());
            node.put("codec", info.codec());
            node.put("keyframes", info.keyframeCount());
            ArrayNode idxNode = node.putArray("sampled_frames");
            Arrays.stream(idx).forEach(idxNode::add);
            putNumber(node, "floor_frames", floor < 0 ? Double.NaN : floor);
            putNumber(node, "floor_share", floorShare);
            node.put("ecrl4j_decoded_frames", decoded);
            node.put("ecrl4j_sections", sections);
            node.put("ecrl4j_parallel_sections", workers);
            putArray(node, "ffmpeg_ms", ff);
            putArray(node, "ecrl4j_ms", sm);
            putNumber(node, "ffmpeg_median_ms", ffMs);
            putNumber(node, "ecrl4j_median_ms", sampleMs);
            putNumber(node, "ecrl4j_over_ffmpeg", sampleMs / ffMs);
            putArray(node, "ffmpeg_cpu_ms", ffCpu);
            putArray(node, "ecrl4j_cpu_ms", smCpu);
            putNumber(node, "ecrl4j_over_ffmpeg_cpu", median(smCpu) / median(ffCpu));
            if (peerRunner != null) {
                putArray(node, "peer_ms", pm);
                putNumber(node, "peer_median_ms", peerMs);
                putNumber(node, "peer_over_ecrl4j", peerMs / sampleMs);
                putArray(node, "peer_cpu_ms", pmCpu);
                putNumber(node, "peer_over_ecrl4j_cpu", median(pmCpu) / median(smCpu));
                if (peerFirst != null) {
                    node.put("peer_decoded_frames", peerFirst.decoded());
                    node.put("peer_inexact_frames", peerFirst.inexact());
                    node.put("peer_av", peerFirst.avVersion());
                }
                if (peerError != null) {
                    node.put("peer_error", peerError);
                }
                node.put("same_indices", sameIndices);
                node.put("same_pixels", samePixels);
            }
            for (var e : ingests.entrySet()) {
                ClipIngest ingest = e.getValue();
                double ms = median(() -> {
                    long t0 = System.nanoTime();
                    ingest.ingest(file, null, false, 0);
                    return (System.nanoTime() - t0) / 1e6;
                });
                totalMs.merge(e.getKey(), ms, Double::sum);
                row.add(fmt(ms));
                node.put(e.getKey() + "_vsc_ms", ms);
            }
            good++;
            totalSample += sampleMs;
            totalFfmpeg += Double.isNaN(ffMs) ? 0 : ffMs;
            if (!Double.isNaN(ffMs)) {
                ratios.add(sampleMs / ffMs);
            }
            if (!Double.isNaN(peerMs)) {
                peerSpeedups.add(peerMs / sampleMs);
            }
            rows.add(row);
            out.println(String.join("\t", row));
            out.flush();
        }
        out.printf("%d videos timed, %d bad%n", good, bad);
        ObjectNode summary = report.putObject("summary");
        summary.put("videos", good);
        summary.put("bad", bad);
        if (good > 0) {
            out.printf("sampling %d frames: %.1f ms per video; %.1f videos/s%n", frames, totalSample / good, 1000 * good / totalSample);
            summary.put("ecrl4j_ms_per_video", totalSample / good);
            if (haveFfmpeg && totalFfmpeg > 0) {
                double worst = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
                out.printf("ffmpeg full decode: %.1f ms per video; sampling costs %.2f of it over the set, %.2f at worst%n",
                        totalFfmpeg / good, totalSample / totalFfmpeg, worst);
                summary.put("ecrl4j_over_ffmpeg_over_set", totalSample / totalFfmpeg);
                putNumber(summary, "ecrl4j_over_ffmpeg_worst", worst);
            }
            if (!peerSpeedups.isEmpty()) {
                double logSum = 0;
                for (double v : peerSpeedups) {
                    logSum += Math.log(v);
                }
                double geo = Math.exp(logSum / peerSpeedups.size());
                double min = peerSpeedups.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
                out.printf("peer (PyAV) over ecrl4j: geometric mean %.2fx over %d videos, lowest %.2fx%n", geo,
                        peerSpeedups.size(), min);
                summary.put("peer_over_ecrl4j_geomean", geo);
                summary.put("peer_over_ecrl4j_min", min);
                summary.put("peer_videos", peerSpeedups.size());
            }
            for (var e : totalMs.entrySet()) {
                out.printf("V,S,C with %s: %.1f ms per video; %.2f videos/s%n", e.getKey(), e.getValue() / good,
                        1000 * good / e.getValue());
            }
        }
        String loadAfter = loadAverage();
        report.put("load_average_after", loadAfter);
        out.printf("load average before: %s; after: %s%n", loadBefore, loadAfter);
        out.flush();
        if (json) {
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.println(JSON.writeValueAsString(report));
            stdout.flush();
        }
        if (csv != null) {
            StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
            for (List<String> row : rows) {
                sb.append(String.join(",", row.stream().map(BenchIngestCommand::csvCell).toList())).append('\n');
            }
            AtomicFiles.writeString(csv, sb.toString());
        }
        return 0;
    }

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private static void putNumber(ObjectNode node, String key, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            node.putNull(key);
        } else {
            node.put(key, v);
        }
    }

    private static void putArray(ObjectNode node, String key, double[] values) {
        ArrayNode a = node.putArray(key);
        for (double v : values) {
            if (Double.isNaN(v)) {
                a.addNull();
            } else {
                a.add(v);
            }
        }
    }

    /** The MD5 of each frame's RGB bytes (row-major, as NumPy's (H, W, 3) uint8 array holds them). */
    static List<String> md5(List<RgbFrame> frames) {
        try {
            List<String> out = new ArrayList<>();
            for (RgbFrame f : frames) {
                byte[] d = MessageDigest.getInstance("MD5").digest(f.pixels());
                StringBuilder sb = new StringBuilder();
                for (byte b : d) {
                    sb.append(String.format("%02x", b));
                }
                out.add(sb.toString());
            }
            return out;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * CPU time in ms from /proc/self/stat: this process's own (all threads; {@code children}
     * false) or that of its waited-for children ({@code true}: the ffmpeg runs); NaN elsewhere.
     */
    static double cpuMs(boolean children) {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14-17 of proc(5) (utime, stime, cutime, cstime) are 11-14 after the name
            long ticks = children ? Long.parseLong(f[13]) + Long.parseLong(f[14]) : Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 10.0; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The CPU model and processor count, from /proc/cpuinfo where there is one. */
    private static String machine() {
        String model = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).strip();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the model stays unknown
        }
        return model + ", " + Runtime.getRuntime().availableProcessors() + " processors, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }

    /** The 1, 5 and 15 minute load averages, or "?" where /proc/loadavg does not exist. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private Path peerScript() {
        return peerScript != null ? peerScript : ToolScripts.find("peer_sample.py");
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

    /** Wall time of {@code ffmpeg -nostdin -v error -threads N -i FILE -f null -}, or NaN when it fails. */
    private double ffmpegMs(Path file) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(ffmpeg.toString(), "-nostdin", "-v", "error", "-threads",
                Integer.toString(threads), "-i", file.toString(), "-f", "null", "-");
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
