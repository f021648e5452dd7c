package org.ecrl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.nn.HeadConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one training loop with checkpoints (the tests of the former CheckpointedHeadTrainer). */
class TrainerTest {
    @TempDir Path dir;

    static final HeadConfig ECRL = Recipes.named("ecrl").head().toBuilder().globalEntries(8).build();

    /** One FusedAdam step on w with the gradient g; returns {w, m, v} after it. */
    private static float[][] adam(float[] w, float[] g, float lr, float weightDecay) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
            NDArray weight = manager.create(w);
            weight.setRequiresGradient(true);
            p.setArray(weight);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(weight.mul(manager.create(g)).sum()); // d/dw (w . g) = g
            }
            FusedAdam adam = new FusedAdam(t -> lr, weightDecay, 1);
            adam.step(List.of(p));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            adam.writeState(new DataOutputStream(bytes), List.of(p));
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
            assertEquals(1, in.readInt(), "updates");
            assertEquals(1, in.readInt(), "parameters");
            assertEquals(w.length, in.readInt(), "values");
            float[][] out = {p.getArray().toFloatArray(), new float[w.length], new float[w.length]};
            for (int k = 1; k <= 2; k++) {
                for (int i = 0; i < w.length; i++) {
                    out[k][i] = in.readFloat();
                }
            }
            return out;
        }
    }

    @Test
    void adamStepMatchesHandComputedValues() throws IOException {
        float[][] r = adam(new float[] {1f, -2f}, new float[] {0.5f, 0.1f}, 0.1f, 0f);
        // First step: m = 0.1 g, v = 0.001 g^2; bias-corrected update = lr * sign(g) (up to epsilon).
        assertArrayEquals(new float[] {0.9f, -2.1f}, r[0], 1e-5f);
        assertArrayEquals(new float[] {0.05f, 0.01f}, r[1], 1e-7f);
        assertArrayEquals(new float[] {0.00025f, 0.00001f}, r[2], 1e-8f);
        float[][] r2 = adam(new float[] {1f}, new float[] {0f}, 0.1f, 0.5f);
        assertEquals(0.9f, r2[0][0], 1e-5f, "weight decay adds wd * w to the gradient");
    }

    /** A checkpointed head run in {@code folder}, re-seeded per epoch. */
    static HeadTrainer.Result train(FeatureSet train, FeatureSet val, TrainOptions options, Path folder,
            String fingerprint, boolean resume, int stopAfter) throws IOException {
        return HeadTrainer.train(train, val, ECRL, 3, options, Trainer.Seeding.PER_EPOCH,
                new Checkpoint(folder.resolve(HeadTrainer.STATE_FILE), fingerprint, resume, stopAfter),
                Trainer.Listener.SILENT);
    }

    @Test
    void resumedRunEndsExactlyWhereAnUninterruptedRunEnds() throws IOException {
        float[][] means = PlantedFeatures.classMeans(3, 8, 1.5f, 7);
        FeatureSet train = PlantedFeatures.make(means, 14, 4, false, 1);
        FeatureSet val = PlantedFeatures.make(means, 4, 4, false, 2);
        TrainOptions options = new TrainOptions(4, 8, 3e-3f, 1e-3f, TrainOptions.Schedule.COSINE, 4, 0.1f, 5, true);

        HeadTrainer.Result straight = train(train, val, options, dir.resolve("a"), "fp", false, 0);
        float[] straightLogits = straight.model().logits(val, 64);
        straight.model().close();

        HeadTrainer.Result killed = train(train, val, options, dir.resolve("b"), "fp", false, 2);
        assertFalse(killed.finished());
        assertNull(killed.model());
        assertEquals(2, killed.history().size());
        assertTrue(Files.isRegularFile(dir.resolve("b").resolve(HeadTrainer.STATE_FILE)));

        // Without --resume a checkpoint is not overwritten; with another fingerprint it is refused.
        IOException exists = assertThrows(IOException.class, () -> train(train, val, options, dir.resolve("b"), "fp",
                false, 0));
        assertTrue(exists.getMessage().contains("--resume"), exists.getMessage());
        IOException other = assertThrows(IOException.class, () -> train(train, val, options, dir.resolve("b"),
                "another", true, 0));
        assertTrue(other.getMessage().contains("another configuration"), other.getMessage());

        HeadTrainer.Result resumed = train(train, val, options, dir.resolve("b"), "fp", true, 0);
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
