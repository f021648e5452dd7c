package org.ecrl4j.cli;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ecrl4j.perf.BenchSizes;
import org.ecrl4j.perf.HeadBenchmark;
import org.ecrl4j.perf.HeadFlops;
import org.ecrl4j.perf.TorchPeer;
import org.ecrl4j.util.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Times the full ECRL head at the paper's sizes (B=8, T=8, d=768, L=20, K_c=20, K_g=512):
 * training steps/s and inference batches/s, optionally alternating with the PyTorch peer, and
 * compares both with the bound set by the machine's measured matrix-multiply rate.
 */
@Command(name = "head", mixinStandardHelpOptions = true,
        description = "Benchmark the ECRL head: training steps/s (forward, backward, Adam) and inference"
                + " batches/s at the paper's sizes, optionally against the PyTorch peer, with the FLOP bound.")
public final class BenchHeadCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--threads", defaultValue = "2", description = "Engine threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--steps", defaultValue = "50",
            description = "Timed training steps and inference batches per round (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "5",
            description = "Untimed steps before each timing, as the peer does (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Rounds; with --peer each round runs ours then the peer (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--peer", description = "Also run the PyTorch peer, alternating with our measurement.")
    boolean peer;

    /** Which environment the peer runs in. */
    enum PeerEnv {
        /** This JVM's environment, launcher defaults included: the strict comparison. */
        same,
        /** Without the launcher's defaults, as a user runs the script by hand. */
        plain,
        /** Both, one after the other in every round. */
        both
    }

    @Option(names = "--peer-env", defaultValue = "same",
            description = "Environment of the peer: same (ours, launcher defaults such as OMP_WAIT_POLICY=PASSIVE"
                    + " included), plain (without them, as run by hand) or both (default: ${DEFAULT-VALUE}).")
    PeerEnv peerEnv;

    @Mixin PrecisionOption precision;

    /** The peer's number formats. */
    enum PeerPrecision {
        /** float32, as a typical user runs it. */
        fp32,
        /** under torch.autocast("cpu", dtype=torch.bfloat16). */
        bf16,
        /** both, one after the other in every round. */
        both
    }

    @Option(names = "--peer-precision", defaultValue = "fp32",
            description = "The peer's precision: fp32 (as a typical user runs it), bf16 (torch.autocast(\"cpu\","
                    + " dtype=torch.bfloat16)) or both (default: ${DEFAULT-VALUE}).")
    PeerPrecision peerPrecision;

    @Option(names = "--autocast-wrapper", defaultValue = "tools/peer_head_autocast.py", hidden = true,
            description = "The script that runs the peer under bf16 autocast.")
    Path autocastWrapper;

    @Option(names = "--python", defaultValue = "/usr/bin/python3",
            description = "Python with torch for the peer (default: ${DEFAULT-VALUE}).")
    Path python;

    @Option(names = "--peer-script", defaultValue = "../shared/peers/torch_ecrl_head.py",
            description = "The peer script (default: ${DEFAULT-VALUE}).")
    Path peerScript;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of parameters and features (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--width", defaultValue = "768", hidden = true, description = "Feature width d (tests).")
    int width;

    @Option(names = "--sgemm-size", defaultValue = "2048", hidden = true,
            description = "Side of the square matrix product that measures the BLAS rate.")
    int sgemmSize;

    @Option(names = "--profile", hidden = true,
            description = "After the rounds, profile 3 training steps and 3 inference batches into this"
                    + " folder (PyTorch profiler traces, Chrome trace format).")
    Path profile;

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || steps < 1 || warmup < 0 || rounds < 1 || sgemmSize < 1) {
            throw new ParameterException(spec.commandLine(), "--threads, --steps, --rounds must be >= 1 and"
                    + " --warmup >= 0, got " + threads + ", " + steps + ", " + rounds + ", " + warmup);
        }
        BenchSizes sizes;
        try {
            sizes = BenchSizes.paper().withWidth(width);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (peer && width != BenchSizes.paper().width()) {
            throw new ParameterException(spec.commandLine(), "--peer runs at the paper's d=768 only");
        }
        TorchPeer torch;
        try {
            torch = peer ? new TorchPeer(python, peerScript, TorchPeer.launcherDefaults()) : null;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        HeadBenchmark.useThreads(threads);
        Precision.Choice chosen = precision.apply();
        err.printf(Locale.ROOT, "bench head: %s %s, %d intra-op threads; B=%d T=%d d=%d L=%d K_c=%d K_g=%d%n",
                Engine.getInstance().getEngineName(), Engine.getInstance().getVersion(),
                HeadBenchmark.engineThreads(), sizes.batch(), sizes.frames(), sizes.width(), sizes.classes(),
                sizes.confounders(), sizes.globalEntries());
        err.flush();
        // The BLAS rate is measured at the start of every round and the best kept: on a shared machine
        // a single measurement can land in a busy moment and make the bound meaningless.
        double sgemm = 0;
        double[] sgemmRounds = new double[rounds];
        double[] train = new double[rounds];
        double[] infer = new double[rounds];
        double[] inferRecompute = new double[rounds];
        List<PeerVariant> envs = new ArrayList<>();
        if (peer) {
            for (PeerEnv e : peerEnv == PeerEnv.both ? List.of(PeerEnv.same, PeerEnv.plain) : List.of(peerEnv)) {
                for (PeerPrecision pp : peerPrecision == PeerPrecision.both
                        ? List.of(PeerPrecision.fp32, PeerPrecision.bf16) : List.of(peerPrecision)) {
                    envs.add(new PeerVariant(e, pp));
                }
            }
        }
        double bf16Gemm = 0;
        double[] bf16GemmRounds = new double[rounds];
        double[][] peerTrain = new double[envs.size()][rounds];
        double[][] peerInfer = new double[envs.size()][rounds];
        List<TorchPeer.Result> peerRuns = new ArrayList<>();
        long params;
        try (HeadBenchmark bench = new HeadBenchmark(sizes, seed, chosen.precision())) {
            params = bench.parameterCount();
            for (int r = 0; r < rounds; r++) {
                sgemmRounds[r] = HeadBenchmark.sgemmRate(sgemmSize, 5, seed);
                sgemm = Math.max(sgemm, sgemmRounds[r]);
                bf16GemmRounds[r] = HeadBenchmark.gemmRate(sgemmSize, 5, seed, Precision.BF16);
                bf16Gemm = Math.max(bf16Gemm, bf16GemmRounds[r]);
                err.printf(Locale.ROOT, "round %d/%d gemm %d^3: %.1f GFLOP/s fp32, %.1f GFLOP/s bf16%n", r + 1, rounds,
                        sgemmSize, sgemmRounds[r] / 1e9, bf16GemmRounds[r] / 1e9);
                train[r] = bench.trainRate(warmup, steps);
                infer[r] = bench.inferenceRate(warmup, steps, true);
                inferRecompute[r] = bench.inferenceRate(warmup, steps, false);
                err.printf(Locale.ROOT, "round %d/%d ecrl4j: %.2f train steps/s, %.2f inference batches/s"
                        + " (%.2f recomputing G's projections per batch)%n",
                        r + 1, rounds, train[r], infer[r], inferRecompute[r]);
                err.flush();
                for (int e = 0; e < envs.size(); e++) {
                    PeerVariant v = envs.get(e);
                    TorchPeer.Result pr = torch.run(threads, steps, sizes.batch(), v.env() == PeerEnv.same,
                            v.precision() == PeerPrecision.bf16 ? autocastWrapper : null);
                    peerRuns.add(pr);
                    peerTrain[e][r] = pr.trainStepsPerSecond();
                    peerInfer[e][r] = pr.inferenceBatchesPerSecond();
                    err.printf(Locale.ROOT, "round %d/%d peer (%s): %.2f train steps/s, %.2f inference"
                            + " batches/s%n", r + 1, rounds, envs.get(e), peerTrain[e][r], peerInfer[e][r]);
                    err.flush();
                }
            }
            if (profile != null) {
                java.nio.file.Files.createDirectories(profile);
                bench.profile(profile.resolve("train.json"), true, 3);
                bench.profile(profile.resolve("infer.json"), false, 3);
                err.println("profiles written to " + profile);
            }
        }
        HeadFlops flops = HeadFlops.ecrl(sizes);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = mapper.createObjectNode();
        o.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        o.put("threads", threads);
        o.put("steps", steps);
        o.put("warmup", warmup);
        o.put("rounds", rounds);
        o.put("precision", chosen.precision().label());
        o.put("precision_reason", chosen.reason());
        ObjectNode s = o.putObject("sizes");
        s.put("B", sizes.batch());
        s.put("T", sizes.frames());
        s.put("d", sizes.width());
        s.put("L", sizes.classes());
        s.put("K_c", sizes.confounders());
        s.put("K_g", sizes.globalEntries());
        o.put("params", params);
        ObjectNode ours = figures(mapper, train, infer);
        ours.put("infer_recompute_batches_per_s", round(median(inferRecompute), 3));
        ArrayNode rec = ours.putArray("infer_recompute_rounds");
        for (double v : inferRecompute) {
            rec.add(round(v, 3));
        }
        ObjectNode env = ours.putObject("env");
        for (String name : new String[] {"OMP_WAIT_POLICY", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
                "MALLOC_ARENA_MAX"}) {
            env.put(name, System.getenv(name));
        }
        o.set("ecrl4j", ours);
        for (int e = 0; e < envs.size(); e++) {
            String suffix = envs.get(e).suffix();
            ObjectNode p = figures(mapper, peerTrain[e], peerInfer[e]);
            p.put("torch", peerRuns.get(0).torchVersion());
            p.put("precision", envs.get(e).precision() == PeerPrecision.bf16 ? "bf16 (torch.autocast cpu)" : "fp32");
            p.put("params", peerRuns.get(0).parameters());
            ArrayNode unset = p.putArray("launcher_defaults_removed");
            if (envs.get(e).env() == PeerEnv.plain) {
                torch.launcherSet().forEach(unset::add);
            }
            o.set("peer" + suffix, p);
            ObjectNode ratio = o.putObject("ratio" + suffix);
            ratio.put("train", round(median(train) / median(peerTrain[e]), 3));
            ratio.put("infer", round(median(infer) / median(peerInfer[e]), 3));
            ratio.put("infer_recompute", round(median(inferRecompute) / median(peerInfer[e]), 3));
        }
        ObjectNode f = o.putObject("flops");
        f.put("train_step", flops.training());
        f.put("inference_batch", flops.inference());
        f.put("inference_batch_cached", flops.inferenceCached());
        o.put("sgemm_gflops", round(sgemm / 1e9, 2));
        o.put("bf16_gemm_gflops", round(bf16Gemm / 1e9, 2));
        ArrayNode bg = o.putArray("bf16_gemm_gflops_rounds");
        for (double v : bf16GemmRounds) {
            bg.add(round(v / 1e9, 2));
        }
        // The bound of each precision: its best n^3 product rate over the head's FLOP.
        ObjectNode bounds = o.putObject("bounds");
        for (Precision p : Precision.values()) {
            double rate = p == Precision.BF16 ? bf16Gemm : sgemm;
            ObjectNode b = bounds.putObject(p.label());
            b.put("gemm_gflops", round(rate / 1e9, 2));
            b.put("train_steps_per_s", round(rate / flops.training(), 2));
            b.put("infer_batches_per_s", round(rate / flops.inference(), 2));
            b.put("infer_cached_batches_per_s", round(rate / flops.inferenceCached(), 2));
        }
        ArrayNode sg = o.putArray("sgemm_gflops_rounds");
        for (double v : sgemmRounds) {
            sg.add(round(v / 1e9, 2));
        }
        ObjectNode bound = o.putObject("bound");
        double rate = chosen.precision() == Precision.BF16 ? bf16Gemm : sgemm;
        bound.put("precision", chosen.precision().label());
        double trainBound = rate / flops.training();
        double inferBound = rate / flops.inference();
        bound.put("train_steps_per_s", round(trainBound, 2));
        bound.put("infer_batches_per_s", round(inferBound, 2));
        bound.put("train_fraction", round(median(train) / trainBound, 3));
        bound.put("infer_cached_batches_per_s", round(rate / flops.inferenceCached(), 2));
        bound.put("infer_fraction", round(median(infer) / (rate / flops.inferenceCached()), 3));
        bound.put("infer_recompute_fraction", round(median(inferRecompute) / inferBound, 3));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(mapper.writeValueAsString(o));
        } else {
            out.printf(Locale.ROOT, "%-28s %14s %18s%n", "", "train steps/s", "inference batch/s");
            out.printf(Locale.ROOT, "%-28s %14.2f %18.2f%n", "ecrl4j (median)", median(train), median(infer));
            out.printf(Locale.ROOT, "%-28s %14s %18.2f%n", "ecrl4j, G recomputed", "", median(inferRecompute));
            for (int e = 0; e < envs.size(); e++) {
                out.printf(Locale.ROOT, "%-28s %14.2f %18.2f%n", "peer, " + envs.get(e) + " (median)",
                        median(peerTrain[e]), median(peerInfer[e]));
                out.printf(Locale.ROOT, "%-28s %14.2f %18.2f%n", "ratio ecrl4j / peer " + envs.get(e),
                        median(train) / median(peerTrain[e]), median(infer) / median(peerInfer[e]));
            }
            out.printf(Locale.ROOT, "%-28s %14.2f %18.2f%n",
                    String.format(Locale.ROOT, "bound at %.0f GFLOP/s %s", rate / 1e9, chosen.precision().label()),
                    trainBound, inferBound);
            out.printf(Locale.ROOT, "FLOP: %.2f G per training step, %.2f G per inference batch (%.2f G with the"
                    + " cache); ecrl4j reaches %.0f%% / %.0f%% of the bound%n", flops.training() / 1e9,
                    flops.inference() / 1e9, flops.inferenceCached() / 1e9, 100 * median(train) / trainBound,
                    100 * median(infer) * flops.inferenceCached() / rate);
        }
        out.flush();
        return 0;
    }

    /** One peer measurement per round: its environment and its precision. */
    record PeerVariant(PeerEnv env, PeerPrecision precision) {
        /** The JSON keys' suffix: none for the same-environment fp32 peer. */
        String suffix() {
            return (env == PeerEnv.same ? "" : "_plain_env") + (precision == PeerPrecision.bf16 ? "_bf16" : "");
        }

        @Override
        public String toString() {
            return env + " env" + (precision == PeerPrecision.bf16 ? " bf16" : "");
        }
    }

    private static ObjectNode figures(ObjectMapper mapper, double[] train, double[] infer) {
        ObjectNode n = mapper.createObjectNode();
        n.put("train_steps_per_s", round(median(train), 3));
        n.put("infer_batches_per_s", round(median(infer), 3));
        ArrayNode tr = n.putArray("train_rounds");
        ArrayNode in = n.putArray("infer_rounds");
        for (int i = 0; i < train.length; i++) {
            tr.add(round(train[i], 3));
            in.add(round(infer[i], 3));
        }
        return n;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
