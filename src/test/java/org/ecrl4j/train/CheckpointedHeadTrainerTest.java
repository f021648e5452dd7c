package org.ecrl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.nn.HeadConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointedHeadTrainerTest {
    @TempDir Path dir;

    static final HeadConfig ECRL = Recipes.named("ecrl").head().toBuilder().globalEntries(8).build();

    @Test
    void adamStepMatchesHandComputedValues() {
        float[] w = {1f, -2f};
        float[] g = {0.5f, 0.1f};
        float[] m = new float[2];
        float[] v = new float[2];
        CheckpointedHeadTrainer.adam(w, g, m, v, 0.1f, 0f, 1);
        // First step: m = 0.1 g, v = 0.001 g^2; bias-corrected update = lr * sign(g) (up to epsilon).
        assertArrayEquals(new float[] {0.9f, -2.1f}, w, 1e-5f);
        assertArrayEquals(new float[] {0.05f, 0.01f}, m, 1e-7f);
        assertArrayEquals(new float[] {0.00025f, 0.00001f}, v, 1e-8f);
        float[] w2 = {1f};
        CheckpointedHeadTrainer.adam(w2, new float[] {0f}, new float[1], new float[1], 0.1f, 0.5f, 1);
        assertEquals(0.9f, w2[0], 1e-5f, "weight decay adds wd * w to the gradient");
    }

    @Test
    void resumedRunEndsExactlyWhereAnUninterruptedRunEnds() throws IOException {
        float[][] means = PlantedFeatures.classMeans(3, 8, 1.5f, 7);
        FeatureSet train = PlantedFeatures.make(means, 14, 4, false, 1);
        FeatureSet val = PlantedFeatures.make(means, 4, 4, false, 2);
        TrainOptions options = new TrainOptions(4, 8, 3e-3f, 1e-3f, TrainOptions.Schedule.COSINE, 4, 0.1f, 5, true);

        CheckpointedHeadTrainer.Result straight = CheckpointedHeadTrainer.train(train, val, ECRL, 3, options, "fp",
                dir.resolve("a"), false, 0, HeadTrainer.Listener.SILENT);
        float[] straightLogits = straight.model().logits(val, 64);
        straight.model().close();

        CheckpointedHeadTrainer.Result killed = CheckpointedHeadTrainer.train(train, val, ECRL, 3, options, "fp",
                dir.resolve("b"), false, 2, HeadTrainer.Listener.SILENT);
        assertFalse(killed.finished());
        assertNull(killed.model());
        assertEquals(2, killed.history().size());
        assertTrue(Files.isRegularFile(dir.resolve("b").resolve(CheckpointedHeadTrainer.STATE_FILE)));

        // Without --resume a checkpoint is not overwritten; with another fingerprint it is refused.
        IOException exists = assertThrows(IOException.class, () -> CheckpointedHeadTrainer.train(train, val, ECRL, 3,
                options, "fp", dir.resolve("b"), false, 0, HeadTrainer.Listener.SILENT));
        assertTrue(exists.getMessage().contains("--resume"), exists.getMessage());
        IOException other = assertThrows(IOException.class, () -> CheckpointedHeadTrainer.train(train, val, ECRL, 3,
                options, "another", dir.resolve("b"), true, 0, HeadTrainer.Listener.SILENT));
        assertTrue(other.getMessage().contains("another configuration"), other.getMessage());

        CheckpointedHeadTrainer.Result resumed = CheckpointedHeadTrainer.train(train, val, ECRL, 3, options, "fp",
                dir.resolve("b"), true, 0, HeadTrainer.Listener.SILENT);
        assertTrue(resumed.finished());
        assertEquals(4, resumed.history().size());
        for (int e = 0; e < 4; e++) {
            EpochMetrics a = straight.history().get(e);
            EpochMetrics b = resumed.history().get(e);
            assertEquals(a.loss(), b.loss(), 0.0, "epoch " + (e + 1) + " loss");
            assertEquals(a.valLoss(), b.valLoss(), 0.0, "epoch " + (e + 1) + " val loss");
            assertEquals(a.valAcc1(), b.valAcc1(), 0.0);
        }
        assertEquals(straight.bestEpoch(), resumed.bestEpoch());
        assertArrayEquals(straightLogits, resumed.model().logits(val, 64), 0f);
        // The planted signal is learned, so the comparison is between runs that did something.
        assertTrue(resumed.history().get(3).valAcc1() > 0.6, "val acc " + resumed.history().get(3).valAcc1());
        resumed.model().close();
    }
}
