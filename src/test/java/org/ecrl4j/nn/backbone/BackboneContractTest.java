package org.ecrl4j.nn.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar NAME.json of an exported backbone: read, resolved against flags, refused when malformed. */
class BackboneContractTest {
    static final String GOOD = "{\"model\": \"r2plus1d_18\", \"frames\": 8, \"size\": 112, \"width\": 512,"
            + " \"mean\": [0.43216, 0.394666, 0.37645], \"std\": [0.22803, 0.22145, 0.216989], \"torchvision\": \"0.14.1\"}";

    @Test
    void readsTheSidecarBesideTheModel(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("r2p.pt");
        assertTrue(BackboneContract.besides(model).isEmpty(), "no sidecar, no contract");
        Files.writeString(dir.resolve("r2p.json"), GOOD);
        BackboneContract c = BackboneContract.besides(model).orElseThrow();
        assertEquals(8, c.frames());
        assertEquals(112, c.size());
        assertEquals(512, c.width());
        assertEquals(0.394666f, c.mean()[1], 0f);
        assertEquals(8, c.resolve("--frames", null, c.frames()));
        assertEquals(8, c.resolve("--frames", 8, c.frames()));
        BackboneException e = assertThrows(BackboneException.class, () -> c.resolve("--frames", 16, c.frames()));
        assertTrue(e.getMessage().startsWith("--frames 16 contradicts " + dir.resolve("r2p.json")), e.getMessage());
    }

    @Test
    void malformedSidecarsAreOneClearError(@TempDir Path dir) throws Exception {
        String[][] cases = {
            {"{not json", "not a readable JSON sidecar"},
            {GOOD.replace("\"frames\": 8, ", ""), "\"frames\" is missing"},
            {GOOD.replace("\"size\": 112", "\"size\": -3"), "\"size\" is -3"},
            {GOOD.replace("[0.22803, 0.22145, 0.216989]", "[0.2, 0]"), "\"std\" is [0.2,0]"},
            {GOOD.replace("[0.22803, 0.22145, 0.216989]", "[0.2, 0, 0.1]"), "expected three finite numbers > 0"},
            {"[1, 2]", "is not a JSON object"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve("m.json");
            Files.writeString(f, c[0]);
            BackboneException e = assertThrows(BackboneException.class, () -> BackboneContract.read(f), c[0]);
            assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains(c[1])
                    && e.getMessage().contains("export_backbone.py"), e.getMessage());
        }
    }
}
