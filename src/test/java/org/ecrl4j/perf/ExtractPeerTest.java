package org.ecrl4j.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ExtractPeerTest {
    @Test
    void readsTheLastJsonLine() throws IOException {
        ExtractPeer.Result r = ExtractPeer.parse("warning: x\n{\"peer_videos_per_s\": 2.5, \"torch\": \"1.13.0a0\","
                + " \"av\": \"10.0.0\"}\n", Path.of("p.py"));
        assertEquals(2.5, r.videosPerSecond());
        assertEquals("1.13.0a0", r.torchVersion());
        assertEquals("10.0.0", r.avVersion());
        IOException e = assertThrows(IOException.class, () -> ExtractPeer.parse("Traceback ...\nboom", Path.of("p.py")));
        assertTrue(e.getMessage().contains("printed no JSON line with peer_videos_per_s") && e.getMessage().contains("boom"),
                e.getMessage());
    }

    @Test
    void aMissingScriptIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ExtractPeer(Path.of("/usr/bin/python3"), Path.of("no/such/peer.py")));
        assertTrue(e.getMessage().contains("no/such/peer.py not found"), e.getMessage());
    }
}
