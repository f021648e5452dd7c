package org.ecrl4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the repository's Python tools (tools/*.py) with Debian's {@code /usr/bin/python3} for tests.
 * Where python3-torch, python3-torchvision or python3-av is missing the test is skipped, except
 * under CI ({@code CI=true}), where {@code .ci/run} installs them and their absence fails the test.
 */
public final class PythonTools {
    /** Debian's interpreter, which has the python3-* packages. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private static Boolean available;

    private PythonTools() {}

    /** Skips the calling test (fails it under CI) unless python3 with torch, torchvision, av and numpy is there. */
    public static synchronized void require() {
        if (available == null) {
            available = probe();
        }
        if (!available) {
            String why = PYTHON + " with torch, torchvision, av and numpy is missing (apt-get install python3-torch"
                    + " python3-torchvision python3-av python3-numpy)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true but " + why + "; .ci/run installs them");
            }
            Assumptions.abort(why);
        }
    }

    private static boolean probe() {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, torchvision, av, numpy")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code python3 args...} in the project root; returns its combined output and exit code. */
    public static Output run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(PYTHON.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "2");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("python3 " + String.join(" ", args) + " did not finish in 10 min");
        }
        return new Output(p.exitValue(), out);
    }

    /** Runs a tool and fails the test with its output when it exits non-zero. */
    public static String runOk(String... args) throws IOException, InterruptedException {
        Output o = run(args);
        assertEquals(0, o.exitCode(), () -> "python3 " + String.join(" ", args) + " failed:\n" + o.text());
        return o.text();
    }

    /** A finished run. */
    public record Output(int exitCode, String text) {}
}
