package org.ecrl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ecrl4j.train.Checkpoint;
import org.ecrl4j.nn.backbone.PooledClassifier;
import org.ecrl4j.nn.backbone.TinyVideoNet;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.util.FileDamage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderTrainerTest {
    @TempDir Path dir;

    static final EncoderTrainer.Input INPUT = new EncoderTrainer.Input(ClipBatches.Stream.WHOLE, SplitOptions.PAPER, 0);

    private static EncoderTrainer.Result train(NDManager manager, List<StoredClip> clips, Checkpoint c,
            List<String> heard) throws IOException {
        TinyVideoNet net = TinyVideoNet.create(manager, List.of(4, 8), 3);
        net.setTrainable(true);
        PooledClassifier classifier = new PooledClassifier(net, 2);
        classifier.initialize(manager, DataType.FLOAT32,
                new Shape(1, 3, JointTrainerTest.T, JointTrainerTest.SIZE, JointTrainerTest.SIZE));
        return EncoderTrainer.train(classifier, manager, 2, clips, List.of(), INPUT, JointTrainerTest.options(2), c,
                heard::add);
    }

    /** Issue 10 case 5: a damaged stage-1 checkpoint is refused before anything resumes. */
    @Test
    void damagedCheckpointIsRefusedAndNothingResumes() throws IOException {
        List<StoredClip> clips = JointTrainerTest.clips(6, 1);
        Path state = dir.resolve("stage1-V.bin");
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderTrainer.Result r = train(m, clips, new Checkpoint(state, "fp", false, 1),
                    new ArrayList<>());
            assertFalse(r.finished());
        }
        byte[] good = Files.readAllBytes(state);
        for (String damage : List.of("flip", "truncate")) {
            Files.write(state, good);
            if (damage.equals("flip")) {
                FileDamage.flipBits(state, 250, 5);
            } else {
                FileDamage.truncate(state, 0.5);
            }
            List<String> heard = new ArrayList<>();
            try (NDManager m = NDManager.newBaseManager()) {
                IOException e = assertThrows(IOException.class,
                        () -> train(m, clips, new Checkpoint(state, "fp", true, 0), heard));
                assertEquals(damage.equals("flip")
                        ? state + " is damaged: checksum mismatch; delete it and rerun from the last good epoch"
                        : state + " is truncated; delete it and rerun from the last good epoch", e.getMessage());
                assertEquals(List.of(), heard, "nothing resumed");
            }
        }
    }
}
