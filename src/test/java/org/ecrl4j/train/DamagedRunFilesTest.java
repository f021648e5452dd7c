package org.ecrl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.dictionary.DictionaryKind;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.nn.HeadShape;
import org.ecrl4j.util.FileDamage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10 cases 5 and 7: damaged parameter files and tampered config.json are refused in one line. */
class DamagedRunFilesTest {
    @TempDir Path dir;

    static final String RUN_FIX = "retrain the run or restore the file from a backup";
    static final String CONFIG_FIX = "restore config.json from a backup or retrain the run";

    /** A finished run folder: k-means dictionary of 4 entries, config.json, head.params. */
    private Path run(HeadConfig config) throws IOException {
        float[][] means = PlantedFeatures.classMeans(3, 8, 1.5f, 7);
        FeatureSet train = PlantedFeatures.make(means, 6, 4, false, 1);
        TrainOptions options = new TrainOptions(1, 8, 3e-3f, 1e-3f, TrainOptions.Schedule.COSINE, 4, 0.1f, 5, false);
        Path run = dir.resolve("run");
        HeadTrainer.Result r = HeadTrainer.train(train, null, config, 3, options, Trainer.Listener.SILENT);
        try (HeadModel m = r.model()) {
            m.save(run);
            RunFolder.writeConfig(run, new RunFolder.RunConfig(RunFolder.FORMAT, config, m.shape(), options,
                    List.of("a", "b", "c"), Map.of()));
        }
        return run;
    }

    private static HeadModel load(Path run) throws IOException {
        RunFolder.RunConfig c = RunFolder.readConfig(run);
        return HeadModel.load(run, c.head(), c.shape());
    }

    static final HeadConfig KMEANS = Recipes.ECRL.head().toBuilder().globalEntries(4)
            .dictionary(DictionaryKind.KMEANS, 4).build();

    @Test
    void damagedOrTruncatedHeadParamsAreRefused() throws IOException {
        Path run = run(KMEANS);
        Path params = run.resolve(HeadModel.PARAMS_FILE);
        load(run).close();
        byte[] good = Files.readAllBytes(params);

        FileDamage.flipBits(params, 250, 3);
        IOException e = assertThrows(IOException.class, () -> load(run));
        assertEquals(params + " is damaged: checksum mismatch; " + RUN_FIX, e.getMessage());

        Files.write(params, good);
        FileDamage.truncate(params, 0.7);
        e = assertThrows(IOException.class, () -> load(run));
        assertEquals(params + " is truncated; " + RUN_FIX, e.getMessage());
    }

    @Test
    void damagedDictionaryIsRefused() throws IOException {
        Path run = run(KMEANS);
        Path dict = run.resolve(HeadModel.DICTIONARY_FILE);
        byte[] b = Files.readAllBytes(dict);
        int at = indexOf(b, "entries.npy".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + 200; // in Z's floats
        b[at] ^= 0x10;
        Files.write(dict, b);
        IOException e = assertThrows(IOException.class, () -> load(run));
        assertEquals(dict + " is damaged: checksum mismatch in member entries.npy; " + RUN_FIX, e.getMessage());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void damagedHeadCheckpointIsRefusedAndNothingResumes() throws IOException {
        float[][] means = PlantedFeatures.classMeans(3, 8, 1.5f, 7);
        FeatureSet train = PlantedFeatures.make(means, 6, 4, false, 1);
        TrainOptions options = new TrainOptions(2, 8, 3e-3f, 1e-3f, TrainOptions.Schedule.COSINE, 4, 0.1f, 5, false);
        Path folder = dir.resolve("ckpt");
        Path state = folder.resolve(HeadTrainer.STATE_FILE);
        HeadTrainer.train(train, null, KMEANS, 3, options, Trainer.Seeding.PER_EPOCH,
                new Checkpoint(state, "fp", false, 1), Trainer.Listener.SILENT);
        FileDamage.flipBits(state, 250, 9);
        List<String> heard = new ArrayList<>();
        IOException e = assertThrows(IOException.class, () -> HeadTrainer.train(train, null, KMEANS, 3,
                options, Trainer.Seeding.PER_EPOCH, new Checkpoint(state, "fp", true, 0), new Trainer.Listener() {
                    @Override
                    public void onMessage(String m) {
                        heard.add(m);
                    }

                    @Override
                    public void onEpoch(EpochMetrics m) {
                        heard.add("epoch " + m.epoch());
                    }
                }));
        assertEquals(state + " is damaged: checksum mismatch; delete it and rerun from the last good epoch",
                e.getMessage());
        assertEquals(List.of(), heard, "nothing resumed");
    }

    @Test
    void tamperedConfigJsonIsRefusedNamingTheField() throws IOException {
        Path run = run(KMEANS);
        Path config = run.resolve(RunFolder.CONFIG_FILE);
        String original = Files.readString(config);
        assertTrue(original.contains("\"confounders\" : 4"), original);

        Files.writeString(config, original.replace("\"name\" : \"ecrl\"", "\"name\" : \"ecrl-turbo\""));
        IOException e = assertThrows(IOException.class, () -> RunFolder.readConfig(run));
        assertEquals(config + ": head.name 'ecrl-turbo' is not a known configuration (known: "
                + String.join(", ", Recipes.names()) + "); " + CONFIG_FIX, e.getMessage());

        Files.writeString(config, original.replace("\"confounders\" : 4", "\"confounders\" : 0"));
        e = assertThrows(IOException.class, () -> RunFolder.readConfig(run));
        assertEquals(config + ": head: confounders (K_c) must be >= 1, got 0; " + CONFIG_FIX, e.getMessage());

        Files.writeString(config, original.replace("\"confounders\" : 4", "\"confounders\" : 3"));
        e = assertThrows(IOException.class, () -> RunFolder.readConfig(run));
        assertEquals(config + ": head.confounders is 3 but " + run.resolve(HeadModel.DICTIONARY_FILE)
                + " holds 4 k-means entries; " + CONFIG_FIX, e.getMessage());

        Files.writeString(config, original.replace("\"classes\" : 3", "\"classes\" : -2"));
        e = assertThrows(IOException.class, () -> RunFolder.readConfig(run));
        assertEquals(config + ": shape: classes (L) must be >= 2, got -2; " + CONFIG_FIX, e.getMessage());

        Files.writeString(config, original);
        load(run).close();
    }
}
