package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench extract without the peer: the JSON object, and a bad video skipped from the timed list. */
class BenchExtractCommandTest {
    static final Path VIDEOS = Path.of("src/test/resources/fixtures/videos");

    @Test
    void timesTheReadableVideosAndPrintsOneJsonObject(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        Files.copy(VIDEOS.resolve("rotated_90.mov"), dir.resolve("a/rotated_90.mov"));
        Files.copy(VIDEOS.resolve("xvid_320x240_164f.avi"), dir.resolve("b/xvid.avi"));
        Files.copy(VIDEOS.resolve("corrupted.mp4"), dir.resolve("b/corrupted.mp4"));
        StringWriter o = new StringWriter(), e = new StringWriter();
        int rc = EcrlCommandTest.run(o, e, "bench", "extract", "--backbone", "torchscript:"
                + BackboneCommandTest.DIR.resolve("tiny_video_backbone.pt"), "--data", dir.toString(), "--size", "64",
                "--rounds", "1", "--threads", "1", "--json");
        assertEquals(0, rc, e.toString());
        JsonNode n = new ObjectMapper().readTree(o.toString().strip());
        assertTrue(n.get("ecrl4j_videos_per_s").asDouble() > 0, n.toString());
        assertTrue(n.get("peer_videos_per_s").isNull() && n.get("ratio").isNull(), n.toString());
        assertEquals(2, n.get("videos").asInt(), n.toString());
        assertEquals(1, n.get("skipped").asInt(), n.toString());
        assertEquals(8, n.get("frames").asInt());
        assertTrue(e.toString().contains("skipped " + dir.resolve("b/corrupted.mp4")), e.toString());
    }

    @Test
    void thePeerNeedsATorchScriptBackbone() {
        StringWriter o = new StringWriter(), e = new StringWriter();
        assertEquals(2, EcrlCommandTest.run(o, e, "bench", "extract", "--backbone", "builtin", "--data", "x", "--peer"));
        assertTrue(e.toString().contains("--peer needs --backbone torchscript:FILE.pt"), e.toString());
    }
}
