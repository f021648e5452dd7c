package org.ecrl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.ecrl4j.data.DatasetReaders;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.saliency.ClipSource;
import org.ecrl4j.saliency.OracleSaliencyMethod;
import org.ecrl4j.saliency.SaliencyMap;
import org.ecrl4j.synth.BenchmarkPlan;
import org.ecrl4j.synth.BenchmarkWriter;
import org.ecrl4j.synth.Hardness;
import org.ecrl4j.synth.SynthConfig;
import org.ecrl4j.synth.VideoCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learned saliency on a tiny hard-preset benchmark written by the synth: it learns (its masks
 * on held-out videos beat the motion-compensated estimate it starts from), it is deterministic per
 * seed, and it never asks for the masks of a clip outside the train split.
 */
class LearnedSaliencyTest {
    @TempDir static Path tmp;
    static Path bench;
    static ClipStore store;
    static final LearnedSaliency.Options FAST = new LearnedSaliency.Options(120, 16, 0.01f);

    @BeforeAll
    static void writeBenchmark() throws Exception {
        SynthConfig hard = new SynthConfig(2, 6, 32, 8, 8, 0.9, 0.8, 3, VideoCodec.H264, Hardness.HARD);
        bench = tmp.resolve("bench");
        new BenchmarkWriter(new BenchmarkPlan(hard), 2, null).write(bench, false);
        Path annotations = bench.resolve(BenchmarkWriter.ANNOTATIONS);
        List<VideoSample> samples = DatasetReaders.read(annotations);
        store = ClipStore.ingest(samples, DatasetReaders.classes(annotations, samples), 8, 32, "motion-compensated", 2,
                line -> {});
        assertTrue(store.failures().isEmpty(), store.failures().toString());
    }

    private static List<SaliencyMap> oracle(StoredClip c) {
        try (OracleSaliencyMethod o = new OracleSaliencyMethod(bench)) {
            return o.compute(c.frames(), new ClipSource(c.sample().path(), c.frameIndices(), "square"));
        }
    }

    /** Only train clips' masks are read, though every split is passed in. */
    @Test
    void readsTheMasksOfTrainClipsOnly() {
        Set<String> asked = new TreeSet<>();
        List<StoredClip> all = store.clips();
        assertTrue(all.stream().anyMatch(c -> !c.sample().split().equals("train")), "the test needs non-train clips");
        try (LearnedSaliency net = LearnedSaliency.train(all, c -> {
            asked.add(c.sample().split());
            return oracle(c);
        }, 1, new LearnedSaliency.Options(2, 4, 0.01f), null)) {
            assertEquals(Set.of("train"), asked);
        }
        List<StoredClip> noTrain = new ArrayList<>(store.split("val"));
        noTrain.addAll(store.split("iid"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearnedSaliency.train(noTrain, c -> {
                    throw new AssertionError("asked for the masks of a " + c.sample().split() + " clip");
                }, 1, FAST, null));
        assertTrue(e.getMessage().contains("train split"), e.getMessage());
    }

    /** Learning: on held-out (iid) videos its masks overlap the truth more than the estimate's. */
    @Test
    void beatsTheMotionCompensatedEstimateOnHeldOutVideos() {
        try (LearnedSaliency net = LearnedSaliency.train(store.clips(), LearnedSaliencyTest::oracle, 1, FAST, null)) {
            List<StoredClip> iid = store.split("iid");
            double before = Demo.meanIou(iid, LearnedSaliencyTest::oracle);
            double after = Demo.meanIou(iid.stream().map(net::apply).toList(), LearnedSaliencyTest::oracle);
            assertTrue(after > before + 0.05, "learned " + after + " vs motion-compensated " + before);
            // Shape: one binary map per frame, the frame's size.
            List<SaliencyMap> maps = net.predict(iid.get(0).frames(), iid.get(0).saliency());
            assertEquals(8, maps.size());
            assertEquals(32, maps.get(0).width());
            for (byte v : maps.get(0).values()) {
                assertTrue(v == 0 || v == (byte) 255);
            }
        }
    }

    /** One seed gives one net; another seed another. */
    @Test
    void isDeterministicPerSeed() {
        StoredClip c = store.split("iid").get(0);
        byte[] a;
        byte[] b;
        byte[] other;
        LearnedSaliency.Options opt = new LearnedSaliency.Options(30, 8, 0.01f);
        try (LearnedSaliency n = LearnedSaliency.train(store.clips(), LearnedSaliencyTest::oracle, 7, opt, null)) {
            a = flat(n.predict(c.frames(), c.saliency()));
            assertTrue(Float.isFinite(n.finalLoss()));
            float la = n.finalLoss();
            try (LearnedSaliency m = LearnedSaliency.train(store.clips(), LearnedSaliencyTest::oracle, 7, opt, null)) {
                b = flat(m.predict(c.frames(), c.saliency()));
                assertEquals(la, m.finalLoss());
            }
            try (LearnedSaliency m = LearnedSaliency.train(store.clips(), LearnedSaliencyTest::oracle, 8, opt, null)) {
                other = flat(m.predict(c.frames(), c.saliency()));
                assertFalse(la == m.finalLoss(), "seeds 7 and 8 trained the same net");
            }
        }
        assertArrayEquals(a, b);
    }

    /** Known answer of the input features on a 2-pixel clip of two frames. */
    @Test
    void featuresAreTheFrameTheEstimateAndTheDifferenceFromTheMean() {
        var f0 = new org.ecrl4j.video.RgbFrame(2, 1, new byte[] {(byte) 255, 0, 0, 0, 0, 0});
        var f1 = new org.ecrl4j.video.RgbFrame(2, 1, new byte[] {0, 0, 0, 0, 0, 0});
        var s0 = new SaliencyMap(2, 1, new byte[] {(byte) 255, 0});
        var s1 = new SaliencyMap(2, 1, new byte[] {0, 0});
        List<float[]> x = LearnedSaliency.features(List.of(f0, f1), List.of(s0, s1));
        assertEquals(2, x.size());
        assertEquals(LearnedSaliency.CHANNELS * 2, x.get(0).length);
        float g = 0.299f; // grey of pure red; the mean over the two frames is half of it
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 0, 1, 0, g / 2, 0}, x.get(0), 1e-5f);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 0, g / 2, 0}, x.get(1), 1e-5f);
    }

    private static byte[] flat(List<SaliencyMap> maps) {
        byte[] out = new byte[maps.size() * maps.get(0).values().length];
        int k = 0;
        for (SaliencyMap m : maps) {
            System.arraycopy(m.values(), 0, out, k, m.values().length);
            k += m.values().length;
        }
        return out;
    }
}
