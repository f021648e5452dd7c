package org.ecrl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ecrl4j.train.Checkpoint;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.nn.HeadShape;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.TinyVideoNet;
import org.ecrl4j.nn.backbone.VideoEncoder;
import org.ecrl4j.saliency.SaliencyMap;
import org.ecrl4j.saliency.SplitClip;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.train.EpochMetrics;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.HeadTrainer;
import org.ecrl4j.train.Trainer;
import org.ecrl4j.train.TrainOptions;
import org.ecrl4j.video.RgbFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JointTrainerTest {
    static final int SIZE = 16;
    static final int T = 4;

    @TempDir Path dir;

    /**
     * Clips of a bright square sliding left (class 0) or right (class 1) over a random flat
     * background, with the square's mask as saliency.
     */
    static List<StoredClip> clips(int count, long seed) {
        Random r = new Random(seed);
        List<StoredClip> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int label = i % 2;
            int bg = r.nextInt(120);
            List<RgbFrame> frames = new ArrayList<>();
            List<SaliencyMap> maps = new ArrayList<>();
            for (int t = 0; t < T; t++) {
                int x0 = label == 0 ? 10 - 2 * t : 2 + 2 * t;
                byte[] px = new byte[SIZE * SIZE * 3];
                byte[] m = new byte[SIZE * SIZE];
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        boolean in = x >= x0 && x < x0 + 4 && y >= 6 && y < 10;
                        int k = y * SIZE + x;
                        px[3 * k] = (byte) (in ? 250 : bg);
                        px[3 * k + 1] = (byte) (in ? 240 : bg / 2);
                        px[3 * k + 2] = (byte) (in ? 20 : 255 - bg);
                        m[k] = (byte) (in ? 255 : 0);
                    }
                }
                frames.add(new RgbFrame(SIZE, SIZE, px));
                maps.add(new SaliencyMap(SIZE, SIZE, m));
            }
            VideoSample s = new VideoSample(Path.of("clip" + i + ".mp4"), label == 0 ? "left" : "right", "train", null,
                    Map.of());
            out.add(new StoredClip(s, label, new int[] {0, 1, 2, 3}, frames, maps));
        }
        return out;
    }

    /** A fresh run's encoders and head, built the same way every time (as a new process would). */
    record Setup(NDManager manager, Encoders encoders, HeadModel model) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
            manager.close();
        }
    }

    static Setup setup(List<StoredClip> train, SplitOptions split, long seed) {
        NDManager manager = NDManager.newBaseManager();
        TinyVideoNet net = TinyVideoNet.create(manager, List.of(4, 8), seed);
        Encoders encoders = Encoders.of(net, EncoderSharing.SHARED, manager);
        FeatureSet f = VideoFeatures.ofClips(encoders, manager, train, split, 8);
        HeadConfig config = Recipes.named("ecrl").head().toBuilder().globalEntries(4).build();
        var dicts = HeadTrainer.buildDictionaries(f, config, 2, seed);
        HeadModel model = HeadModel.create(config, new HeadShape(T, f.width(), 2), dicts.getKey(), dicts.getValue(),
                seed);
        return new Setup(manager, encoders, model);
    }

    static TrainOptions options(int epochs) {
        return new TrainOptions(epochs, 4, 3e-3f, 1e-3f, TrainOptions.Schedule.COSINE, 4, 0.1f, 7, true);
    }

    static float[] valLogits(Setup s, List<StoredClip> val, SplitOptions split) {
        return s.model().logits(VideoFeatures.ofClips(s.encoders(), s.manager(), val, split, 8), 8);
    }

    @Test
    void resumedRunEndsExactlyAsAnUninterruptedOne() throws IOException {
        List<StoredClip> train = clips(8, 1);
        List<StoredClip> val = clips(4, 2);
        SplitOptions split = SplitOptions.PAPER;
        JointTrainer.Input input = new JointTrainer.Input(split, 0.5, 0.5);
        float[] straight;
        List<EpochMetrics> straightHistory;
        try (Setup s = setup(train, split, 3)) {
            JointTrainer.Result r = JointTrainer.train(s.encoders(), s.model(), s.manager(), train, val, input,
                    options(3), new Checkpoint(dir.resolve("a.bin"), "fp", false, 0),
                    Trainer.Listener.SILENT);
            assertTrue(r.finished());
            assertEquals(3, r.history().size());
            straight = valLogits(s, val, split);
            straightHistory = r.history();
        }
        Path state = dir.resolve("b.bin");
        try (Setup s = setup(train, split, 3)) {
            JointTrainer.Result r = JointTrainer.train(s.encoders(), s.model(), s.manager(), train, val, input,
                    options(3), new Checkpoint(state, "fp", false, 2), Trainer.Listener.SILENT);
            assertFalse(r.finished(), "stopped after 2 epochs as a kill would");
            assertEquals(2, r.history().size());
        }
        assertTrue(Files.isRegularFile(state));
        try (Setup s = setup(train, split, 3)) {
            IOException refused = assertThrows(IOException.class, () -> JointTrainer.train(s.encoders(), s.model(),
                    s.manager(), train, val, input, options(3), new Checkpoint(state, "fp", false, 0),
                    Trainer.Listener.SILENT));
            assertTrue(refused.getMessage().contains("--resume"), refused.getMessage());
            IOException other = assertThrows(IOException.class, () -> JointTrainer.train(s.encoders(), s.model(),
                    s.manager(), train, val, input, options(3), new Checkpoint(state, "other", true, 0),
                    Trainer.Listener.SILENT));
            assertTrue(other.getMessage().contains("another configuration"), other.getMessage());
        }
        try (Setup s = setup(train, split, 3)) {
            List<String> messages = new ArrayList<>();
            JointTrainer.Result r = JointTrainer.train(s.encoders(), s.model(), s.manager(), train, val, input,
                    options(3), new Checkpoint(state, "fp", true, 0), new Trainer.Listener() {
                        @Override
                        public void onMessage(String m) {
                            messages.add(m);
                        }

                        @Override
                        public void onEpoch(EpochMetrics m) {}
                    });
            assertTrue(r.finished());
            assertTrue(messages.get(0).contains("resuming stage 2 after epoch 2"), messages.toString());
            assertEquals(straightHistory.size(), r.history().size());
            for (int e = 0; e < 3; e++) {
                assertEquals(straightHistory.get(e).loss(), r.history().get(e).loss(), 0.0, "loss of epoch " + (e + 1));
                assertEquals(straightHistory.get(e).valAcc1(), r.history().get(e).valAcc1(), 0.0);
            }
            assertArrayEquals(straight, valLogits(s, val, split), 0f, "same parameters as the uninterrupted run");
        }
    }

    /** Issue 10 case 5: 250 flipped bits used to resume with exit 0 and different results. */
    @Test
    void damagedCheckpointIsRefusedAndNothingResumes() throws IOException {
        List<StoredClip> train = clips(8, 1);
        SplitOptions split = SplitOptions.PAPER;
        JointTrainer.Input input = new JointTrainer.Input(split, 0, 0.5);
        Path state = dir.resolve(JointTrainer.STATE_FILE);
        try (Setup s = setup(train, split, 3)) {
            JointTrainer.train(s.encoders(), s.model(), s.manager(), train, List.of(), input, options(2),
                    new Checkpoint(state, "fp", false, 1), Trainer.Listener.SILENT);
        }
        byte[] good = Files.readAllBytes(state);
        for (String damage : List.of("flip", "truncate")) {
            Files.write(state, good);
            if (damage.equals("flip")) {
                org.ecrl4j.util.FileDamage.flipBits(state, 250, 11);
            } else {
                org.ecrl4j.util.FileDamage.truncate(state, 0.6);
            }
            List<String> heard = new ArrayList<>();
            try (Setup s = setup(train, split, 3)) {
                IOException e = assertThrows(IOException.class, () -> JointTrainer.train(s.encoders(), s.model(),
                        s.manager(), train, List.of(), input, options(2), new Checkpoint(state, "fp", true,
                                0), new Trainer.Listener() {
                            @Override
                            public void onMessage(String m) {
                                heard.add(m);
                            }

                            @Override
                            public void onEpoch(EpochMetrics m) {
                                heard.add("epoch " + m.epoch());
                            }
                        }));
                assertEquals(damage.equals("flip")
                        ? state + " is damaged: checksum mismatch; delete it and rerun from the last good epoch"
                        : state + " is truncated; delete it and rerun from the last good epoch", e.getMessage());
                assertEquals(List.of(), heard, "nothing resumed");
            }
        }
    }

    @Test
    void encodersLearnOnlyWithAPositiveLearningRateScale() {
        List<StoredClip> train = clips(8, 1);
        SplitOptions split = SplitOptions.PLUS;
        for (double scale : new double[] {0, 1}) {
            try (Setup s = setup(train, split, 5)) {
                VideoEncoder enc = s.encoders().video();
                float[] before = enc.getParameters().get(0).getValue().getArray().toFloatArray();
                float[] headBefore = s.model().head().getParameters().get(0).getValue().getArray().toFloatArray();
                JointTrainer.train(s.encoders(), s.model(), s.manager(), train, List.of(),
                        new JointTrainer.Input(split, 0, scale), options(1), Trainer.Listener.SILENT);
                float[] after = enc.getParameters().get(0).getValue().getArray().toFloatArray();
                float[] headAfter = s.model().head().getParameters().get(0).getValue().getArray().toFloatArray();
                assertFalse(java.util.Arrays.equals(headBefore, headAfter), "the head always trains");
                if (scale == 0) {
                    assertArrayEquals(before, after, 0f, "scale 0 leaves the encoder frozen");
                } else {
                    assertFalse(java.util.Arrays.equals(before, after), "scale 1 trains the encoder");
                }
                assertFalse(enc.isTrainable(), "the encoders are frozen again after stage 2");
            }
        }
    }

    @Test
    void sharedEncodingOfTheThreeStreamsEqualsOnePassPerStream() {
        List<StoredClip> train = clips(3, 4);
        try (Setup s = setup(train, SplitOptions.PLUS, 9)) {
            List<SplitClip> splits = new ArrayList<>();
            for (StoredClip c : train) {
                splits.add(ClipBatches.split(c, SplitOptions.PLUS));
            }
            VideoEncoder enc = s.encoders().video();
            Encoders separate = Encoders.of(enc, enc.copy(s.manager()), enc.copy(s.manager()));
            assertEquals(EncoderSharing.SEPARATE, separate.sharing());
            try (NDManager step = s.manager().newSubManager()) {
                NDList shared = JointTrainer.encode(s.encoders(), new ParameterStore(step, false), step, splits, false);
                NDList each = JointTrainer.encode(separate, new ParameterStore(step, false), step, splits, false);
                for (int k = 0; k < 3; k++) {
                    assertEquals(new Shape(3, T, enc.featureWidth()), shared.get(k).getShape());
                    assertArrayEquals(each.get(k).toFloatArray(), shared.get(k).toFloatArray(), 1e-5f, "stream " + k);
                }
                assertNotEquals(shared.get(0).sum().getFloat(), shared.get(2).sum().getFloat(), 1e-3f,
                        "V and C differ, so the slices are not the same stream");
            }
        }
    }
}
