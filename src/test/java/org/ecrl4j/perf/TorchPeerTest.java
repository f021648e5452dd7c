package org.ecrl4j.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
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

    @Test
    void missingFilesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TorchPeer(Path.of("/usr/bin/python3"), Path.of("no/such/peer.py")));
        assertTrue(e.getMessage().contains("no/such/peer.py") && e.getMessage().contains("--peer-script"));
    }
}
