package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.ecrl4j.nn.backbone.BackboneSpec;
import org.ecrl4j.train.TrainOptions;
import org.junit.jupiter.api.Test;

/** Stage 1's learning rate per preset and backbone (MODEL.md 6c; issue 14). */
class Stage1RatesTest {
    private static final TrainOptions HEAD = TrainOptions.pretrained(7);
    private static final BackboneSpec IMPORTED = new BackboneSpec.TorchScript(Path.of("r2plus1d.pt"));

    @Test
    void aPretrainedBackboneFineTunedTrainsAtThePapersBackboneRate() {
        TrainOptions o = VideoTrainOptions.stage1Options("pretrained", IMPORTED, true, null, 12, HEAD);
        assertEquals(1e-5f, o.learningRate(), 0);
        assertEquals(TrainOptions.Schedule.STEP, o.schedule());
        assertEquals(4, o.decayEvery());
        assertEquals(0.1f, o.decayFactor(), 0);
        assertEquals(7, o.seed());
        // Same for a saved built-in backbone: it is pretrained too.
        assertEquals(1e-5f, VideoTrainOptions.stage1Options("pretrained", new BackboneSpec.BuiltinFile(Path.of("e.tvn")),
                true, null, 12, HEAD).learningRate(), 0);
    }

    @Test
    void aFrozenPretrainedBackboneLeavesTheClassifierAtTheHeadRate() {
        assertEquals(1e-4f, VideoTrainOptions.stage1Options("pretrained", IMPORTED, false, null, 12, HEAD).learningRate(), 0);
    }

    @Test
    void aBackboneTrainedFromNothingTakesTheScratchRate() {
        for (String preset : new String[] {"scratch", "pretrained"}) {
            TrainOptions o = VideoTrainOptions.stage1Options(preset, new BackboneSpec.Builtin(), true, null, 40, HEAD);
            assertEquals(2e-3f, o.learningRate(), 0, preset);
            assertEquals(TrainOptions.Schedule.COSINE, o.schedule(), preset);
            assertTrue(o.keepBest(), preset);
        }
        assertEquals(2e-3f, VideoTrainOptions.stage1Options("scratch", IMPORTED, true, null, 40, HEAD).learningRate(), 0);
    }

    @Test
    void theOptionReplacesTheRate() {
        assertEquals(3e-4f, VideoTrainOptions.stage1Options("pretrained", IMPORTED, true, 3e-4f, 12, HEAD).learningRate(), 0);
        assertEquals(5e-3f, VideoTrainOptions.stage1Options("scratch", new BackboneSpec.Builtin(), false, 5e-3f, 40, HEAD)
                .learningRate(), 0);
    }
}
