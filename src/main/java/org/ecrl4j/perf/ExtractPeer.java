package org.ecrl4j.perf;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the Python peer of {@code bench extract} ({@code tools/peer_extract.py}: PyAV decoding,
 * torchvision transforms, a frame-difference motion mask and the same TorchScript file in
 * python3-torch) as a child process in this JVM's environment and reads the JSON line it prints.
 *
 * @param python the interpreter (Debian's {@code /usr/bin/python3} with python3-torch, -torchvision, -av)
 * @param script the peer script
 */
public record ExtractPeer(Path python, Path script) {
    /** One peer run: its rate and the versions it ran with. */
    public record Result(double videosPerSecond, String torchVersion, String avVersion) {}

    /** Checks that both files exist, naming the missing one and the fix. */
    public ExtractPeer {
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("Peer script " + script + " not found; pass its path with --peer-script"
                    + " (tools/peer_extract.py in the repository)");
        }
        if (!Files.isExecutable(python)) {
            throw new IllegalArgumentException("Python interpreter " + python + " not found; install Debian's"
                    + " python3-torch python3-torchvision python3-av libopenblas0-pthread (apt-get install ...) or pass"
                    + " --python");
        }
    }

    /**
     * Runs the peer once over the videos listed in {@code videoList}.
     *
     * @throws IOException when it cannot start, fails, or prints no JSON line
     */
    public Result run(Path model, Path videoList, int frames, int size, int threads)
            throws IOException, InterruptedException {
        return run(model, videoList, frames, size, threads, false);
    }

    /** As {@link #run(Path, Path, int, int, int)}; with {@code bf16} the peer's forwards run under bf16 autocast. */
    public Result run(Path model, Path videoList, int frames, int size, int threads, boolean bf16)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python.toString(), script.toString(), "--model", model.toString(),
                "--videos", videoList.toString(), "--frames", Integer.toString(frames), "--size", Integer.toString(size),
                "--threads", Integer.toString(threads), "--json"));
        if (bf16) {
            cmd.addAll(List.of("--precision", "bf16"));
        }
        String out = PeerProcess.run(new ProcessBuilder(cmd), script, "check that " + python
                + " has torch, torchvision and av (Debian's python3-torch, python3-torchvision, python3-av)");
        return parse(out, script);
    }

    /** The peer's figures from its output: the last line that is a JSON object, which must carry peer_videos_per_s. */
    static Result parse(String output, Path script) throws IOException {
        JsonNode n = PeerProcess.lastJsonLine(output, script, "peer_videos_per_s");
        return new Result(n.get("peer_videos_per_s").asDouble(), n.path("torch").asText("?"), n.path("av").asText("?"));
    }
}
