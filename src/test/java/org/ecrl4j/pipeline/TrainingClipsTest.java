package org.ecrl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.TinyVideoNet;
import org.ecrl4j.saliency.SaliencyMethods;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.train.Checkpoint;
import org.ecrl4j.train.Trainer;
import org.ecrl4j.video.ClipTransform;
import org.ecrl4j.video.Frames;
import org.ecrl4j.video.FrameSampler;
import org.ecrl4j.video.RgbFrame;
import org.ecrl4j.video.Views;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 part 3 on real files: the frame cache, per-(seed, epoch) draws, the flip, resuming. */
class TrainingClipsTest {
    static final Path VIDEOS = ClipStoreTest.VIDEOS;
    static final int T = 4;
    static final int SIZE = 16;

    @TempDir Path dir;

    /** The 300-frame H.264 fixture (label a) and the 164-frame MPEG-4 one (label b), evaluation clips. */
    static List<StoredClip> clips() {
        List<VideoSample> samples = List.of(ClipStoreTest.sample("h264_340x256_300f.mp4", "a", "train"),
                ClipStoreTest.sample("xvid_320x240_164f.avi", "b", "train"));
        ClipStore store = ClipStore.ingest(samples, List.of("a", "b"), T, SIZE, "motion", 2, s -> {});
        assertEquals(2, store.clips().size(), store.failures().toString());
        return store.clips();
    }

    static TrainingClips augmented(List<StoredClip> clips, boolean flip) {
        return TrainingClips.of(clips, new TrainingClips.Augmentation(true, 4, 0.6, flip), T, SIZE, "motion", 2,
                s -> {});
    }

    static boolean same(StoredClip a, StoredClip b) {
        if (!java.util.Arrays.equals(a.frameIndices(), b.frameIndices())) {
            return false;
        }
        for (int i = 0; i < a.frames().size(); i++) {
            if (!java.util.Arrays.equals(a.frames().get(i).pixels(), b.frames().get(i).pixels())
                    || !java.util.Arrays.equals(a.saliency().get(i).values(), b.saliency().get(i).values())) {
                return false;
            }
        }
        return true;
    }

    @Test
    void drawsOneCachedCandidatePerSegmentDeterminedBySeedAndEpoch() {
        List<StoredClip> clips = clips();
        TrainingClips t = augmented(clips, false);
        assertTrue(t.varies());
        assertTrue(t.failures().isEmpty());
        // both videos at shorter side 16 are 21x16; segments of 75 and 41 frames keep 4 candidates
        // each: 16 frames a video, 3 bytes a pixel plus 1 of saliency
        assertEquals(2L * 16 * 21 * 16 * 4, t.cacheBytes());
        int[][] candidates = FrameSampler.segment(T).candidates(300, 4);
        List<Set<Integer>> seen = new ArrayList<>();
        for (int s = 0; s < T; s++) {
            seen.add(new HashSet<>());
        }
        boolean changes = false;
        for (int epoch = 0; epoch < 40; epoch++) {
            StoredClip c = t.clip(0, 7, epoch);
            assertTrue(same(c, t.clip(0, 7, epoch)), "a pure function of (seed, epoch, video)");
            assertEquals(clips.get(0).label(), c.label());
            assertEquals(T, c.frames().size());
            for (int s = 0; s < T; s++) {
                assertEquals(SIZE, c.frames().get(s).width());
                assertEquals(SIZE, c.frames().get(s).height());
                assertEquals(SIZE, c.saliency().get(s).width());
                int idx = c.frameIndices()[s];
                final int seg = s;
                assertTrue(java.util.Arrays.stream(candidates[s]).anyMatch(k -> k == idx),
                        "segment " + seg + " drew " + idx);
                seen.get(s).add(idx);
            }
            changes |= !same(c, t.clip(0, 7, epoch + 1));
        }
        assertTrue(changes);
        for (int s = 0; s < T; s++) {
            assertEquals(4, seen.get(s).size(), "every candidate of segment " + s + " is drawn: " + seen.get(s));
        }
        assertFalse(same(t.clip(0, 7, 3), t.clip(0, 8, 3)), "another seed, another draw");
    }

    @Test
    void withoutAugmentationEveryEpochSeesTheEvaluationClip() {
        List<StoredClip> clips = clips();
        TrainingClips off = TrainingClips.of(clips, TrainingClips.Augmentation.OFF, T, SIZE, "motion", 2, s -> {});
        assertFalse(off.varies());
        assertSame(clips.get(1), off.clip(1, 7, 5));
        assertEquals(0, off.cacheBytes());
    }

    @Test
    void theFlipMirrorsHalfTheClipsAndChangesNothingElse() {
        List<StoredClip> clips = clips();
        TrainingClips plain = augmented(clips, false);
        TrainingClips flip = augmented(clips, true);
        int mirrored = 0;
        int kept = 0;
        for (int epoch = 0; epoch < 20; epoch++) {
            StoredClip a = plain.clip(1, 3, epoch);
            StoredClip b = flip.clip(1, 3, epoch);
            assertArrayEquals(a.frameIndices(), b.frameIndices());
            if (same(a, b)) {
                kept++;
                continue;
            }
            for (int s = 0; s < T; s++) {
                assertArrayEquals(Frames.flipHorizontal(a.frames().get(s)).pixels(), b.frames().get(s).pixels());
                RgbFrame map = new RgbFrame(SIZE, SIZE, gray3(a.saliency().get(s).values()));
                assertArrayEquals(Frames.flipHorizontal(map).pixels(), gray3(b.saliency().get(s).values()));
            }
            mirrored++;
        }
        assertTrue(mirrored > 0 && kept > 0, mirrored + " mirrored, " + kept + " kept");
    }

    private static byte[] gray3(byte[] g) {
        byte[] out = new byte[g.length * 3];
        for (int i = 0; i < g.length; i++) {
            out[3 * i] = g[i];
            out[3 * i + 1] = g[i];
            out[3 * i + 2] = g[i];
        }
        return out;
    }

    @Test
    void aVideoThatCannotBeCachedKeepsItsEvaluationClipAndIsListed() {
        List<StoredClip> clips = new ArrayList<>(clips());
        StoredClip good = clips.get(0);
        VideoSample gone = new VideoSample(dir.resolve("gone.mp4"), "a", "train", null, Map.of());
        clips.add(new StoredClip(gone, 0, good.frameIndices(), good.frames(), good.saliency()));
        TrainingClips t = augmented(clips, false);
        assertEquals(1, t.failures().size());
        assertTrue(t.failures().get(0).video().toString().endsWith("gone.mp4"));
        assertSame(clips.get(2), t.clip(2, 1, 1));
        assertFalse(same(clips.get(0), t.clip(0, 1, 1)) && same(clips.get(0), t.clip(0, 1, 2)));
    }

    /** Multi-view testing's 1x1, and the centre crop of 1x3, give exactly the single-view features. */
    @Test
    void oneViewAndTheCentreCropAreTheEvaluationClip() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Encoders encoders = Encoders.of(TinyVideoNet.create(manager, List.of(4, 8), 5), EncoderSharing.SHARED,
                    manager);
            VideoSample s = ClipStoreTest.sample("h264_340x256_300f.mp4", "a", "test");
            VideoFeatures.Settings settings = new VideoFeatures.Settings(T, SIZE, SplitOptions.PAPER);
            try (var method = SaliencyMethods.create("motion")) {
                VideoFeatures.Streams single = VideoFeatures.of(s, encoders, manager, method, settings);
                VideoFeatures.Streams one = VideoFeatures.ofViews(s, encoders, manager, method, settings, Views.ONE)
                        .get(0);
                assertArrayEquals(single.video(), one.video(), 1e-6f);
                assertArrayEquals(single.foreground(), one.foreground(), 1e-6f);
                List<VideoFeatures.Streams> three = VideoFeatures.ofViews(s, encoders, manager, method, settings,
                        new Views(1, 3));
                assertEquals(3, three.size());
                assertArrayEquals(single.video(), three.get(1).video(), 1e-6f);
                assertFalse(java.util.Arrays.equals(three.get(0).video(), three.get(2).video()),
                        "left and right crops of a 4:3 video differ");
                List<VideoFeatures.Streams> two = VideoFeatures.ofViews(s, encoders, manager, method, settings,
                        new Views(2, 1));
                assertFalse(java.util.Arrays.equals(two.get(0).video(), two.get(1).video()));
            }
        }
    }

    /** Augmented joint training resumes exactly: the draws depend on (seed, epoch, video) only. */
    @Test
    void augmentedTrainingResumesExactly() throws IOException {
        List<StoredClip> train = new ArrayList<>(clips());
        train.addAll(clips());
        TrainingClips t = augmented(train, false);
        List<StoredClip> val = clips();
        SplitOptions split = SplitOptions.PAPER;
        JointTrainer.Input input = new JointTrainer.Input(split, 0.5, 0.5);
        float[] straight;
        try (JointTrainerTest.Setup s = JointTrainerTest.setup(train, split, 3)) {
            JointTrainer.train(s.encoders(), s.model(), s.manager(), t, val, input, JointTrainerTest.options(3),
                    new Checkpoint(dir.resolve("a.bin"), "fp", false, 0), Trainer.Listener.SILENT);
            straight = JointTrainerTest.valLogits(s, val, split);
        }
        Path state = dir.resolve("b.bin");
        try (JointTrainerTest.Setup s = JointTrainerTest.setup(train, split, 3)) {
            JointTrainer.Result r = JointTrainer.train(s.encoders(), s.model(), s.manager(), t, val, input,
                    JointTrainerTest.options(3), new Checkpoint(state, "fp", false, 2), Trainer.Listener.SILENT);
            assertFalse(r.finished());
        }
        try (JointTrainerTest.Setup s = JointTrainerTest.setup(train, split, 3)) {
            JointTrainer.Result r = JointTrainer.train(s.encoders(), s.model(), s.manager(), t, val, input,
                    JointTrainerTest.options(3), new Checkpoint(state, "fp", true, 0), Trainer.Listener.SILENT);
            assertTrue(r.finished());
            assertArrayEquals(straight, JointTrainerTest.valLogits(s, val, split));
        }
        // and the draws matter: the same run on the evaluation clips ends elsewhere
        try (JointTrainerTest.Setup s = JointTrainerTest.setup(train, split, 3)) {
            JointTrainer.train(s.encoders(), s.model(), s.manager(), TrainingClips.fixed(train), val, input,
                    JointTrainerTest.options(3), null, Trainer.Listener.SILENT);
            assertFalse(java.util.Arrays.equals(straight, JointTrainerTest.valLogits(s, val, split)));
        }
    }
}
