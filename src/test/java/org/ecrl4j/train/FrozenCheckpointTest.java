package org.ecrl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.recipe.Recipes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint written by format version 1 of {@link CheckpointFile} is kept under
 * {@code src/test/resources/frozen} (as Tribuo keeps files of old releases): this version must
 * still read and resume it. Regenerate it only when the format's version changes, as a new file:
 * {@code mvn -o test -Dtest=FrozenCheckpointTest -Decrl4j.writeFrozen=true}.
 */
class FrozenCheckpointTest {
    @TempDir Path dir;

    static final String RESOURCE = "/frozen/head-checkpoint-v1.bin";
    static final String FINGERPRINT = "frozen-head-v1";
    /** A head without back-door: no confounder dictionary, so the checkpoint file is all a resume needs. */
    static final HeadConfig CONFIG = Recipes.named("fcm-bcm-tsc").head();
    static final TrainOptions OPTIONS = new TrainOptions(4, 8, 3e-3f, 1e-3f, TrainOptions.Schedule.COSINE, 4, 0.1f,
            5, true);

    static FeatureSet train() {
        return PlantedFeatures.make(PlantedFeatures.classMeans(3, 8, 1.5f, 7), 6, 4, false, 1);
    }

    static FeatureSet val() {
        return PlantedFeatures.make(PlantedFeatures.classMeans(3, 8, 1.5f, 7), 3, 4, false, 2);
    }

    private static HeadTrainer.Result run(Path state, boolean resume, int stopAfter) throws IOException {
        return HeadTrainer.train(train(), val(), CONFIG, 3, OPTIONS, Trainer.Seeding.PER_EPOCH,
                new Checkpoint(state, FINGERPRINT, resume, stopAfter), Trainer.Listener.SILENT);
    }

    /** Writes the frozen file (run once, by hand): a head run stopped after 2 of 4 epochs. */
    @Test
    @EnabledIfSystemProperty(named = "ecrl4j.writeFrozen", matches = "true")
    void writeFrozenFile() throws IOException {
        Path state = dir.resolve(HeadTrainer.STATE_FILE);
        assertNull(run(state, false, 2).model());
        Path target = Path.of("src/test/resources" + RESOURCE);
        Files.createDirectories(target.getParent());
        Files.copy(state, target, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path frozen() throws URISyntaxException {
        URL url = FrozenCheckpointTest.class.getResource(RESOURCE);
        assertNotNull(url, RESOURCE + " is missing from the test resources");
        return Path.of(url.toURI());
    }

    @Test
    void version1FileIsReadFieldByField() throws Exception {
        CheckpointFile c = CheckpointFile.read(frozen(), "the head", FINGERPRINT);
        assertEquals("the head", c.kind);
        assertEquals(2, c.epoch);
        assertEquals(2, c.history.size());
        assertEquals(1, c.history.get(0).epoch());
        assertEquals(1, c.params.size());
        assertNotNull(c.best, "the options keep the best epoch");
        assertTrue(c.bestEpoch == 1 || c.bestEpoch == 2, "best epoch " + c.bestEpoch);
        assertNull(c.order, "per-epoch seeding stores no generator");
        assertTrue(c.optimiser.length > 0);
    }

    @Test
    void version1FileResumesToTheEnd() throws Exception {
        CheckpointFile saved = CheckpointFile.read(frozen(), "the head", FINGERPRINT);
        Path state = dir.resolve(HeadTrainer.STATE_FILE);
        Files.copy(frozen(), state);
        HeadTrainer.Result r = run(state, true, 0);
        try {
            assertTrue(r.finished());
            assertEquals(OPTIONS.epochs(), r.history().size());
            for (int e = 0; e < 2; e++) {
                assertEquals(saved.history.get(e), r.history().get(e), "epoch " + (e + 1) + " comes from the file");
            }
            float[] logits = r.model().logits(val(), 64);
            for (float v : logits) {
                assertTrue(Float.isFinite(v));
            }
        } finally {
            r.model().close();
        }
        CheckpointFile after = CheckpointFile.read(state, "the head", FINGERPRINT);
        assertEquals(OPTIONS.epochs(), after.epoch);
    }

    @Test
    void checkpointOfAnotherKindOrFingerprintIsRefused() throws Exception {
        IOException kind = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> CheckpointFile.read(frozen(), "stage 1", FINGERPRINT));
        assertTrue(kind.getMessage().contains("a checkpoint of the head, not of stage 1"), kind.getMessage());
        IOException fp = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> CheckpointFile.read(frozen(), "the head", "other"));
        assertTrue(fp.getMessage().contains("another configuration"), fp.getMessage());
    }

    @Test
    void checkpointOfAnOlderFormatIsRefusedWithAClearMessage() throws IOException {
        Path state = dir.resolve(HeadTrainer.STATE_FILE);
        org.ecrl4j.util.ChecksummedFile.write(state, raw -> { // the head checkpoint before the one format
            java.io.DataOutputStream out = new java.io.DataOutputStream(raw);
            out.writeUTF("ECRL4J-head-checkpoint");
            out.writeInt(1);
            out.flush();
        });
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> run(state, true, 0));
        assertEquals(state + ": a checkpoint of an older ecrl4j (ECRL4J-head-checkpoint), which this version cannot"
                + " resume; delete it and train again", e.getMessage());
    }
}
