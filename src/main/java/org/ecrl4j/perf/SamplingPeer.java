package org.ecrl4j.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Python peer of {@code bench ingest --peer} ({@code tools/peer_sample.py}: PyAV seeking to the
 * keyframe before each sampled frame and decoding forward with threads, as PyTorchVideo does), kept
 * running as one child process: each {@link #sample} sends one request line and reads one JSON
 * answer, so the peer's start-up and imports are outside every timing and the bench can alternate
 * with it file by file.
 */
public final class SamplingPeer implements AutoCloseable {
    /**
     * One timed sample by the peer: its wall time, the CPU time of its process over that span, the
     * frames it took and how many it decoded.
     */
    public record Result(double ms, double cpuMs, int[] indices, long decoded, int inexact, List<String> md5, String avVersion) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path script;
    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    /**
     * Starts the peer.
     *
     * @throws IllegalArgumentException when the interpreter or the script is missing (naming the fix)
     */
    public SamplingPeer(Path python, Path script) throws IOException {
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("Peer script " + script + " not found; pass its path with --peer-script"
                    + " (tools/peer_sample.py in the repository)");
        }
        if (!Files.isExecutable(python)) {
            throw new IllegalArgumentException("Python interpreter " + python + " not found; install Debian's"
                    + " python3-av and python3-numpy (apt-get install python3-av python3-numpy) or pass --python");
        }
        this.script = script;
        ProcessBuilder pb = new ProcessBuilder(python.toString(), script.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        process = pb.start();
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * One timed sample of {@code frames} segment centres of {@code video}.
     *
     * @param digest also the MD5 of each frame's RGB bytes (computed after the timing), rotated
     *     clockwise by {@code rotation} degrees as ecrl4j rotates
     * @throws IOException when the peer died or answered with an error
     */
    public Result sample(Path video, int frames, int threads, boolean digest, int rotation) throws IOException {
        ObjectNode req = JSON.createObjectNode();
        req.put("path", video.toAbsolutePath().toString());
        req.put("frames", frames);
        req.put("threads", threads);
        if (digest) {
            req.put("digest", true);
            req.put("rotation", rotation);
        }
        in.write(JSON.writeValueAsString(req) + "\n");
        in.flush();
        String line = out.readLine();
        if (line == null) {
            throw new IOException("Peer " + script + " stopped; run /usr/bin/python3 " + script
                    + " by hand to see why (it needs python3-av and python3-numpy)");
        }
        JsonNode n = JSON.readTree(line);
        if (n.has("error")) {
            throw new IOException("Peer " + script + " failed on " + video + ": " + n.get("error").asText());
        }
        int[] idx = new int[n.get("indices").size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = n.get("indices").get(i).asInt();
        }
        List<String> md5 = new ArrayList<>();
        n.path("md5").forEach(m -> md5.add(m.asText()));
        return new Result(n.get("ms").asDouble(), n.path("cpu_ms").asDouble(Double.NaN), idx, n.path("decoded").asLong(), n.path("inexact").asInt(), md5,
                n.path("av").asText("?"));
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // the peer is gone already
        }
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
