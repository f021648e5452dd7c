package org.ecrl4j.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ecrl4j.data.DatasetReaders;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.nn.backbone.BackboneSpec;
import org.ecrl4j.nn.backbone.ClipShape;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.TorchScriptEncoder;
import org.ecrl4j.nn.backbone.VideoEncoder;
import org.ecrl4j.perf.ExtractPeer;
import org.ecrl4j.pipeline.VideoFeatures;
import org.ecrl4j.saliency.SaliencyMethod;
import org.ecrl4j.saliency.SaliencyMethods;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.util.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ecrl4j bench extract}: the whole extraction path per video (open, decode the sampled
 * frames, transform, saliency, split, V, S and C through the backbone: {@link VideoFeatures#of},
 * what {@code extract} does per video) in videos per second, optionally against the Python peer
 * (tools/peer_extract.py) in the same run: rounds alternate ours and the peer's, with the same
 * thread count, the same TorchScript file and this process's environment.
 */
@Command(name = "extract", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time the extraction path (decode, sample, saliency, split, V/S/C through the backbone) in"
                + " videos/s, optionally against the Python peer (PyAV + torchvision + the same TorchScript file),"
                + " alternating rounds with equal thread counts."})
public final class BenchExtractCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--backbone", required = true, paramLabel = "B",
            description = "torchscript:FILE.pt (the peer runs the same file) or builtin")
    String backbone;

    @Option(names = "--data", required = true, paramLabel = "ANNOTATIONS", description = "annotation file or dataset folder")
    Path data;

    @Option(names = "--split", paramLabel = "S", description = "only the videos of this split (default: all)")
    String split;

    @Option(names = "--videos", paramLabel = "N", description = "at most N videos (default: all)")
    Integer limit;

    @Option(names = "--frames", paramLabel = "T", description = "frames per video (default: the sidecar's, else 8)")
    Integer frames;

    @Option(names = "--size", paramLabel = "N", description = "input size (default: the sidecar's, else 112)")
    Integer size;

    @Option(names = "--saliency", defaultValue = "motion", description = "saliency method (default: ${DEFAULT-VALUE})")
    String saliency;

    @Option(names = "--rounds", defaultValue = "3",
            description = "timed rounds; with --peer each runs ours then the peer (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--threads", defaultValue = "2",
            description = "libtorch threads, the same for the peer (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--peer", description = "also run the Python peer, alternating with our measurement")
    boolean peer;

    @Mixin PrecisionOption precision;

    @Option(names = "--peer-precision", defaultValue = "fp32", paramLabel = "P",
            description = "the peer's precision: fp32, bf16 (torch.autocast(\"cpu\", dtype=torch.bfloat16)) or both"
                    + " (default: ${DEFAULT-VALUE})")
    String peerPrecision;

    @Option(names = "--python", defaultValue = "/usr/bin/python3",
            description = "Python with torch, torchvision and av for the peer (default: ${DEFAULT-VALUE})")
    Path python;

    @Option(names = "--peer-script", paramLabel = "FILE",
            description = "the peer (default: tools/peer_extract.py of the working folder, else beside the jar's project)")
    Path peerScript;

    @Option(names = "--json", description = "print one JSON object: ecrl4j_videos_per_s, peer_videos_per_s, ratio, ...")
    boolean json;

    @Option(names = "--seed", defaultValue = "0", description = "weights of a plain builtin backbone")
    long seed;

    @Option(names = "--spark", paramLabel = "local[N]",
            description = "instead of the peer: Spark's overhead, extract --spark local[N] against one process with N"
                    + " workers, alternating rounds, the same --threads (use --threads 1); docs/SPARK.md")
    String spark;

    @Option(names = "--partitions", paramLabel = "P", description = "with --spark: Spark partitions (default: 4 per core)")
    Integer partitions;

    @Override
    public Integer call() throws Exception {
        if (rounds < 1 || threads < 1 || (limit != null && limit < 1)) {
            throw new ParameterException(spec.commandLine(), "--rounds, --threads and --videos must be >= 1");
        }
        BackboneSpec bspec = BackboneSpec.parse(backbone);
        if (peer && !(bspec instanceof BackboneSpec.TorchScript)) {
            throw new ParameterException(spec.commandLine(), "--peer needs --backbone torchscript:FILE.pt (the peer runs"
                    + " the same TorchScript file)");
        }
        int t = VideoOptions.frames(bspec, frames);
        int s = VideoOptions.size(bspec, size);
        if (spark != null && peer) {
            throw new ParameterException(spec.commandLine(), "--spark and --peer are two benchmarks; give one");
        }
        ExtractPeer peerRunner = peer ? new ExtractPeer(python, peerScript()) : null;
        if (!List.of("fp32", "bf16", "both").contains(peerPrecision)) {
            throw new ParameterException(spec.commandLine(), "--peer-precision must be fp32, bf16 or both, got '"
                    + peerPrecision + "'");
        }
        List<Boolean> peerBf16 = peerPrecision.equals("both") ? List.of(false, true) : List.of(peerPrecision.equals("bf16"));
        ThreadsOption.apply(threads);
        Precision.Choice chosen = precision.apply();
        List<VideoSample> samples = new ArrayList<>();
        for (VideoSample v : DatasetReaders.read(data)) {
            if (split == null || DatasetReaders.normalizeSplit(v.split()).equals(DatasetReaders.normalizeSplit(split))) {
                samples.add(v);
            }
        }
        if (limit != null && samples.size() > limit) {
            samples = samples.subList(0, limit);
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException(data + " has no video" + (split == null ? "" : " in split '" + split + "'"));
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        VideoFeatures.Settings settings = new VideoFeatures.Settings(t, s, SplitOptions.PAPER);
        if (spark != null) {
            return SparkExtractBench.run(spark, partitions, samples, DatasetReaders.classes(data, samples), backbone,
                    seed, settings, saliency, threads, rounds, json, out, err);
        }
        try (NDManager manager = NDManager.newBaseManager();
                SaliencyMethod method = SaliencyMethods.create(saliency)) {
            Encoders encoders = Encoders.create(bspec, EncoderSharing.SHARED, manager, new ClipShape(t, s, s), false, seed);
            for (VideoEncoder e : encoders.distinct()) {
                e.setTrainable(false);
            }
            // The untimed first pass warms both caches and drops the videos that cannot be read, so that
            // both sides time the same list.
            List<VideoSample> good = new ArrayList<>();
            for (VideoSample v : samples) {
                try {
                    VideoFeatures.of(v, encoders, manager, method, settings);
                    good.add(v);
                } catch (RuntimeException e) {
                    err.println("skipped " + v.path() + ": " + e.getMessage());
                }
            }
            if (good.isEmpty()) {
                throw new IllegalArgumentException("No video of " + data + " could be read; nothing to time");
            }
            Path list = Files.createTempFile("ecrl4j-bench-extract", ".txt");
            try {
                StringBuilder b = new StringBuilder();
                for (VideoSample v : good) {
                    b.append(v.path().toAbsolutePath()).append('\n');
                }
                Files.writeString(list, b.toString());
                double[] ours = new double[rounds];
                double[][] theirs = new double[peer ? peerBf16.size() : 0][rounds];
                String peerTorch = null;
                String peerAv = null;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    for (VideoSample v : good) {
                        VideoFeatures.of(v, encoders, manager, method, settings);
                    }
                    ours[r] = good.size() / ((System.nanoTime() - t0) / 1e9);
                    err.printf(Locale.ROOT, "round %d: ecrl4j %.3f videos/s%n", r + 1, ours[r]);
                    for (int k = 0; k < theirs.length; k++) {
                        ExtractPeer.Result p = peerRunner.run(((BackboneSpec.TorchScript) bspec).file(), list, t, s,
                                threads, peerBf16.get(k));
                        theirs[k][r] = p.videosPerSecond();
                        peerTorch = p.torchVersion();
                        peerAv = p.avVersion();
                        err.printf(Locale.ROOT, "round %d: peer %s %.3f videos/s%n", r + 1, peerBf16.get(k) ? "bf16" : "fp32",
                                theirs[k][r]);
                    }
                    err.flush();
                }
                double oursRate = median(ours);
                Double peerRate = peer ? median(theirs[0]) : null;
                String engine = Engine.getEngine("PyTorch").getVersion();
                if (json) {
                    ObjectMapper m = new ObjectMapper();
                    ObjectNode o = m.createObjectNode();
                    o.put("ecrl4j_videos_per_s", oursRate);
                    o.put("precision", chosen.precision().label());
                    o.put("precision_reason", chosen.reason());
                    o.put("backbone_precision", encoders.distinct().stream().map(e -> e instanceof TorchScriptEncoder ts
                            ? ts.precision().label() : "fp32").distinct().reduce((x, y) -> x + "," + y).orElse("fp32"));
                    if (peer) {
                        // the first peer variant keeps the historical keys; a second (--peer-precision both) adds *_bf16
                        o.put("peer_precision", peerBf16.get(0) ? "bf16" : "fp32");
                        o.put("peer_videos_per_s", peerRate);
                        o.put("ratio", oursRate / peerRate);
                        if (theirs.length > 1) {
                            o.put("peer_bf16_videos_per_s", median(theirs[1]));
                            o.put("ratio_bf16", oursRate / median(theirs[1]));
                            ArrayNode pb = o.putArray("peer_bf16_rounds");
                            Arrays.stream(theirs[1]).forEach(pb::add);
                        }
                    } else {
                        o.putNull("peer_videos_per_s");
                        o.putNull("ratio");
                    }
                    o.put("videos", good.size());
                    o.put("skipped", samples.size() - good.size());
                    o.put("rounds", rounds);
                    o.put("threads", threads);
                    o.put("backbone", bspec.toString());
                    o.put("frames", t);
                    o.put("size", s);
                    o.put("saliency", saliency);
                    o.put("ecrl4j_libtorch", engine);
                    o.put("peer_torch", peerTorch);
                    o.put("peer_av", peerAv);
                    ArrayNode a = o.putArray("ecrl4j_rounds");
                    Arrays.stream(ours).forEach(a::add);
                    ArrayNode pa = o.putArray("peer_rounds");
                    if (peer) {
                        Arrays.stream(theirs[0]).forEach(pa::add);
                    }
                    o.put("omp_wait_policy", System.getenv().getOrDefault("OMP_WAIT_POLICY", ""));
                    out.println(m.writeValueAsString(o));
                } else {
                    out.printf(Locale.ROOT, "%d videos, T=%d, %dx%d, %s, %d threads, median of %d rounds%n", good.size(),
                            t, s, s, bspec, threads, rounds);
                    out.printf(Locale.ROOT, "ecrl4j (libtorch %s, %s): %.3f videos/s%n", engine, chosen.describe(), oursRate);
                    for (int k = 0; k < theirs.length; k++) {
                        String pp = peerBf16.get(k) ? "bf16" : "fp32";
                        out.printf(Locale.ROOT, "peer %s (torch %s, av %s): %.3f videos/s%n", pp, peerTorch, peerAv,
                                median(theirs[k]));
                        out.printf(Locale.ROOT, "ratio to the %s peer: %.2f%n", pp, oursRate / median(theirs[k]));
                    }
                }
                out.flush();
            } finally {
                Files.deleteIfExists(list);
            }
        }
        return 0;
    }

    private Path peerScript() {
        return peerScript != null ? peerScript : ToolScripts.find("peer_extract.py");
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
