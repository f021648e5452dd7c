package org.ecrl4j.perf;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the PyTorch peer ({@code ../shared/peers/torch_ecrl_head.py}: the same head in PyTorch
 * eager) as a child process and reads the JSON line it prints.
 *
 * @param python the interpreter (Debian's {@code /usr/bin/python3} with python3-torch)
 * @param script the peer script
 * @param launcherSet environment variables removed for a run in the plain environment (the
 *     launcher's defaults, {@link #launcherDefaults()})
 */
public record TorchPeer(Path python, Path script, List<String> launcherSet) {
    /** One peer run's figures. */
    public record Result(String torchVersion, double trainStepsPerSecond, double inferenceBatchesPerSecond,
            long parameters) {}

    /** Checks that both files exist, naming the missing one and the fix. */
    public TorchPeer {
        launcherSet = List.copyOf(launcherSet);
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("Peer script " + script + " not found; pass its path with --peer-script");
        }
        if (!Files.isExecutable(python)) {
            throw new IllegalArgumentException("Python interpreter " + python
                    + " not found; install Debian's python3-torch (apt-get install python3-torch"
                    + " libopenblas0-pthread) or pass --python");
        }
    }

    /**
     * Runs the peer once with the shared global dictionary form.
     *
     * @param sameEnvironment true: the peer inherits this JVM's environment, launcher defaults
     *     included (OMP_WAIT_POLICY=PASSIVE, malloc thresholds); false: those are removed, as when a
     *     user runs the script by hand
     * @throws IOException when it cannot start, fails, or prints no JSON line
     */
    public Result run(int threads, int steps, int batch, boolean sameEnvironment)
            throws IOException, InterruptedException {
        return run(threads, steps, batch, sameEnvironment, null);
    }

    /**
     * Runs the peer once; with {@code autocastWrapper} (tools/peer_head_autocast.py) the peer runs
     * under {@code torch.autocast("cpu", dtype=torch.bfloat16)}, else in float32.
     */
    public Result run(int threads, int steps, int batch, boolean sameEnvironment, Path autocastWrapper)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python.toString()));
        if (autocastWrapper != null) {
            if (!Files.isRegularFile(autocastWrapper)) {
                throw new IOException("Autocast wrapper " + autocastWrapper + " not found (tools/peer_head_autocast.py"
                        + " of the repository); run from the repository's folder");
            }
            cmd.add(autocastWrapper.toString());
        }
        cmd.addAll(List.of(script.toString(), "--shared-global", "--json",
                "--threads", Integer.toString(threads), "--steps", Integer.toString(steps),
                "--batch", Integer.toString(batch)));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (!sameEnvironment) {
            for (String name : launcherSet) {
                pb.environment().remove(name);
            }
        }
        String out = PeerProcess.run(pb, script, "check that " + python + " has torch (Debian's python3-torch)");
        return parse(out, script);
    }

    /** Environment variable in which the {@code ecrl4j} launcher lists the defaults it set. */
    public static final String LAUNCHER_SET = "ECRL4J_LAUNCHER_SET";

    /**
     * The variables the launcher set for the JVM (OpenMP and malloc defaults), which a peer run in
     * its plain environment does not get.
     */
    public static List<String> launcherDefaults() {
        String set = System.getenv(LAUNCHER_SET);
        return set == null || set.isBlank() ? List.of() : List.of(set.trim().split("\\s+"));
    }

    /** Reads the peer's figures from its output: the last line that is a JSON object. */
    static Result parse(String output, Path script) throws IOException {
        JsonNode n = PeerProcess.lastJsonLine(output, script, "train_steps_per_s", "infer_batches_per_s");
        return new Result(n.path("torch").asText("?"), n.get("train_steps_per_s").asDouble(),
                n.get("infer_batches_per_s").asDouble(), n.path("params").asLong(-1));
    }
}
