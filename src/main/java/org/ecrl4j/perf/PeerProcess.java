package org.ecrl4j.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What the one-shot Python peers ({@link TorchPeer}, {@link ExtractPeer}) share: run the script to its
 * end, and read the JSON line it prints last.
 */
final class PeerProcess {
    private PeerProcess() {
    }

    /**
     * Runs {@code pb} to its end and returns what it printed (standard error merged in).
     *
     * @param hint what to check when it fails, e.g. the packages the interpreter needs
     * @throws IOException naming the script, its exit code and the end of its output when it exits non-zero
     */
    static String run(ProcessBuilder pb, Path script, String hint) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException("Peer " + script + " failed (exit " + rc + "): " + tail(out) + "; " + hint);
        }
        return out;
    }

    /**
     * The last line of {@code output} that is a JSON object; it must carry every one of {@code keys}.
     *
     * @throws IOException naming the script and the keys, with the end of the output, otherwise
     */
    static JsonNode lastJsonLine(String output, Path script, String... keys) throws IOException {
        String[] lines = output.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (line.startsWith("{")) {
                JsonNode n = new ObjectMapper().readTree(line);
                for (String k : keys) {
                    if (!n.has(k)) {
                        throw noJson(output, script, keys);
                    }
                }
                return n;
            }
        }
        throw noJson(output, script, keys);
    }

    private static IOException noJson(String output, Path script, String... keys) {
        return new IOException("Peer " + script + " printed no JSON line with " + String.join(" and ", keys) + ": "
                + tail(output) + "; run it by hand with --json to see why");
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() > 400 ? "..." + t.substring(t.length() - 400) : t;
    }
}
