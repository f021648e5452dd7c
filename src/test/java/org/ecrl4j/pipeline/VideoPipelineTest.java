package org.ecrl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.TinyVideoNet;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.util.FileDamage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoPipelineTest {
    @TempDir Path dir;

    /** Issue 10 case 5: the encoders' weights of a run are checksummed like every other file. */
    @Test
    void damagedEncoderWeightsAreRefused() throws IOException {
        VideoPipeline pipeline = new VideoPipeline("builtin", null, "separate", false, true, "oracle", 4, 16,
                SplitOptions.PAPER, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            Encoders encoders = Encoders.of(TinyVideoNet.create(m, List.of(4, 8), 1), EncoderSharing.SEPARATE, m);
            VideoPipeline.saveEncoders(encoders, dir);
            pipeline.openEncoders(dir, m);
            Path params = dir.resolve(VideoPipeline.ENCODERS_FILE);
            FileDamage.flipBits(params, 250, 4);
            IOException e = assertThrows(IOException.class, () -> pipeline.openEncoders(dir, m));
            assertEquals(params + " is damaged: checksum mismatch; retrain the run or restore the file from a backup",
                    e.getMessage());
        }
    }
}
