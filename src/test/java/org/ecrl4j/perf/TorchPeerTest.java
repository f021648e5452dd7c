package org.ecrl4j.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

class TorchPeerTest {
    private static final Path SCRIPT = Path.of("peer.py");

    @Test
    void readsTheLastJsonLineOfThePeer() throws IOException {
        String out = "some warning\n{\"torch\": \"1.13.0a0\", \"threads\": 2, \"batch\": 8, \"shared_global\": true,"
                + " \"params\": 18145578, \"train_steps_per_s\": 0.91, \"infer_batches_per_s\": 4.08}\n";
        TorchPeer.Result r = TorchPeer.parse(out, SCRIPT);
        assertEquals("1.13.0a0", r.torchVersion());
        assertEquals(0.91, r.trainStepsPerSecond(), 1e-12);
        assertEquals(4.08, r.inferenceBatchesPerSecond(), 1e-12);
        assertEquals(18145578L, r.parameters());
    }

    @Test
    void outputWithoutFiguresIsOneClearError() {
        IOException e = assertThrows(IOException.class,
                () -> TorchPeer.parse("Traceback...\nModuleNotFoundError: No module named 'torch'\n", SCRIPT));
        assertTrue(e.getMessage().contains("peer.py") && e.getMessage().contains("No module named"), e.getMessage());
        assertThrows(IOException.class, () -> TorchPeer.parse("{\"torch\": \"x\"}", SCRIPT));
    }

    @TempDir Path tmp;

    @Test
    void runsThePeerWithItsArgumentsAndChosenEnvironment() throws Exception {
        assertTrue(System.getenv("OMP_WAIT_POLICY") != null, "the pom sets OMP_WAIT_POLICY for the tests");
        // A stand-in interpreter: reports the --threads value and whether OMP_WAIT_POLICY (set for the
        // tests by the pom, as the launcher sets it for the JVM) reached it.
        Path fake = tmp.resolve("python");
        Files.writeString(fake, "#!/bin/sh\n"
                + "if [ -n \"$OMP_WAIT_POLICY\" ]; then t=1; else t=2; fi\n"
                + "echo \"{\\\"torch\\\": \\\"fake\\\", \\\"args\\\": \\\"$*\\\", \\\"train_steps_per_s\\\": $t,"
                + " \\\"infer_batches_per_s\\\": $5}\"\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Path script = Files.writeString(tmp.resolve("peer.py"), "# not run\n");
        TorchPeer peer = new TorchPeer(fake, script, List.of("OMP_WAIT_POLICY"));
        // $5 is the value after --threads: 3.
        TorchPeer.Result same = peer.run(3, 7, 8, true);
        assertEquals(3.0, same.inferenceBatchesPerSecond(), 0);
        assertEquals("fake", same.torchVersion());
        TorchPeer.Result plain = peer.run(3, 7, 8, false);
        assertEquals(2.0, plain.trainStepsPerSecond(), 0, "the plain run must not see removed variables");
        assertEquals(1.0, same.trainStepsPerSecond(), 0, "the same-environment run inherits it");
    }

    @Test
    void missingFilesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TorchPeer(Path.of("/usr/bin/python3"), Path.of("no/such/peer.py"), List.of()));
        assertTrue(e.getMessage().contains("no/such/peer.py") && e.getMessage().contains("--peer-script"));
    }
}
