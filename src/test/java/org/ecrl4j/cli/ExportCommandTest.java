package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.data.NpyArray;
import org.ecrl4j.data.Npz;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.ParameterArchive;
import org.ecrl4j.train.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ecrl4j export}: a trained run's parameters named by block, read back into a fresh head. */
class ExportCommandTest {
    @TempDir Path dir;
    private final TrainEvalCommandTest cli = new TrainEvalCommandTest();

    private TrainEvalCommandTest.Run run(String... args) {
        return cli.run(args);
    }

    @Test
    void exportedParametersGiveBackTheRunsLogits() throws Exception {
        Path train = dir.resolve("train.npz");
        TrainEvalCommandTest.planted(30, 4, 8, 1).save(train);
        Path runDir = dir.resolve("run");
        TrainEvalCommandTest.Run t = run("train", "--features", train.toString(), "--config", "ecrl", "--out", runDir.toString(), "--epochs",
                "2", "--lr", "3e-3", "--global-entries", "8", "--seed", "4");
        assertEquals(0, t.code(), t.err());
        Path out = dir.resolve("params.npz");
        TrainEvalCommandTest.Run e = run("export", "--run", runDir.toString(), "--out", out.toString());
        assertEquals(0, e.code(), e.err());
        Map<String, NpyArray> arrays = Npz.read(out);
        assertArrayEquals(new long[] {8, 8}, arrays.get("glca.global_dictionary").shape());
        assertArrayEquals(new long[] {8, 8}, arrays.get("backdoor.wa.weight").shape(), "Linear weights are (out, in)");
        assertTrue(arrays.containsKey("fcm.tsc.position") && arrays.containsKey("glca.local.wh_query_key.weight"),
                arrays.keySet().toString());

        RunFolder.RunConfig config = RunFolder.readConfig(runDir);
        FeatureSet set = FeatureSet.load(train);
        try (HeadModel trained = HeadModel.load(runDir, config.head(), config.shape());
                HeadModel fresh = HeadModel.create(config.head(), config.shape(), trained.dictionary(), null, 99)) {
            float[] before = fresh.logits(set, 64);
            ParameterArchive.read(fresh.head(), out, name -> false);
            assertEquals(arrays.size(), ParameterArchive.named(fresh.head()).size());
            float[] want = trained.logits(set, 64);
            float[] got = fresh.logits(set, 64);
            assertArrayEquals(want, got, 1e-6f);
            assertTrue(Math.abs(before[0] - want[0]) > 1e-4, "the fresh head differed before reading the file");
            // A file of another configuration or size: one error naming the file, the parameter and the fix.
            Path partial = dir.resolve("partial.npz");
            Npz.write(partial, Map.of("video_fc.weight", NpyArray.ofFloats(new float[8], 1, 8)), false);
            java.io.IOException bad = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> ParameterArchive.read(fresh.head(), partial, name -> false));
            assertTrue(bad.getMessage().startsWith(partial + " has no parameter ")
                    && bad.getMessage().contains("export it again"), bad.getMessage());
        }

        // An existing file is kept unless --overwrite; someone else's file is never replaced.
        TrainEvalCommandTest.Run again = run("export", "--run", runDir.toString(), "--out", out.toString());
        assertEquals(1, again.code());
        assertTrue(again.err().contains("--overwrite"), again.err());
        assertEquals(0, run("export", "--run", runDir.toString(), "--out", out.toString(), "--overwrite").code());
        Path notes = Files.writeString(dir.resolve("notes.npz"), "not ours");
        TrainEvalCommandTest.Run foreign = run("export", "--run", runDir.toString(), "--out", notes.toString(), "--overwrite");
        assertEquals(1, foreign.code());
        assertEquals("not ours", Files.readString(notes));
    }
}
