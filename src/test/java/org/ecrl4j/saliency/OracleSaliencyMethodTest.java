package org.ecrl4j.saliency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ecrl4j.synth.BenchmarkPlan;
import org.ecrl4j.synth.BenchmarkWriter;
import org.ecrl4j.synth.MaskStrip;
import org.ecrl4j.synth.Split;
import org.ecrl4j.synth.SynthConfig;
import org.ecrl4j.synth.VideoCodec;
import org.ecrl4j.video.ClipTransform;
import org.ecrl4j.video.DecodeOptions;
import org.ecrl4j.video.FrameSampler;
import org.ecrl4j.video.RgbFrame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registered {@code oracle} method on a tiny benchmark written by the test. */
class OracleSaliencyMethodTest {
    static final int SIZE = 24;
    @TempDir static Path dir;
    static BenchmarkPlan plan;

    @BeforeAll
    static void write() throws IOException {
        plan = new BenchmarkPlan(new SynthConfig(2, 1, SIZE, 16, 8, 0.9, 0.8, 11, VideoCodec.H264));
        new BenchmarkWriter(plan, 2, null).write(dir, false);
    }

    /** The ground-truth masks of the given frames, as 0/1 masks. */
    static List<Mask> groundTruth(BenchmarkPlan.Entry e, int[] frames) throws IOException {
        List<byte[]> all = MaskStrip.read(dir.resolve(e.maskPath()), SIZE);
        return java.util.Arrays.stream(frames).mapToObj(t -> {
            byte[] m = all.get(t);
            byte[] bits = new byte[m.length];
            for (int i = 0; i < m.length; i++) {
                bits[i] = (byte) (m[i] != 0 ? 1 : 0);
            }
            return new Mask(SIZE, SIZE, bits);
        }).toList();
    }

    @Test
    void theForegroundMaskIsTheGroundTruthMask() throws IOException {
        assertTrue(SaliencyMethods.names().contains("oracle"), SaliencyMethods.names().toString());
        int checked = 0;
        int objectPixels = 0;
        for (String name : List.of("oracle", "oracle:" + dir)) {
            try (SaliencyMethod oracle = SaliencyMethods.create(name)) {
                ClipIngest ingest = new ClipIngest(ClipIngest.Options.of(8, SIZE, SplitOptions.PAPER), oracle);
                for (BenchmarkPlan.Entry e : plan.entries()) {
                    ClipIngest.Result r = ingest.ingest(dir.resolve(e.path()), null, false, 1);
                    assertArrayEquals(SynthConfig.sampledFrames(16, 8), r.frameIndices());
                    List<Mask> gt = groundTruth(e, r.frameIndices());
                    for (int k = 0; k < 8; k++) {
                        assertArrayEquals(gt.get(k).values(), r.split().masks().get(k).values(),
                                name + " " + e.path() + " frame " + k);
                        objectPixels += gt.get(k).count();
                        checked++;
                    }
                }
            }
        }
        assertEquals(2 * plan.entries().size() * 8, checked);
        assertTrue(objectPixels > 1000, "the masks hold objects: " + objectPixels + " pixels");
    }

    /** A mirrored training clip gets mirrored masks; a larger input size gets masks scaled with the frames. */
    @Test
    void theMasksFollowTheClipsTransform() throws IOException {
        BenchmarkPlan.Entry e = plan.entries().stream().filter(x -> x.split() == Split.IID).findFirst().orElseThrow();
        try (SaliencyMethod oracle = SaliencyMethods.create("oracle")) {
            ClipIngest.Options flip = new ClipIngest.Options(FrameSampler.segment(8), new ClipTransform(SIZE, SIZE, SIZE, 1.0),
                    SplitOptions.PAPER, DecodeOptions.DEFAULTS);
            ClipIngest.Result r = new ClipIngest(flip, oracle).ingest(dir.resolve(e.path()), null, true, 5);
            List<Mask> gt = groundTruth(e, r.frameIndices());
            for (int k = 0; k < 8; k++) {
                Mask m = r.split().masks().get(k);
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        assertEquals(gt.get(k).get(SIZE - 1 - x, y), m.get(x, y), "frame " + k + " at " + x + "," + y);
                    }
                }
            }
            ClipIngest.Result big = new ClipIngest(ClipIngest.Options.of(8, 2 * SIZE, SplitOptions.PAPER), oracle)
                    .ingest(dir.resolve(e.path()), null, false, 1);
            gt = groundTruth(e, big.frameIndices());
            for (int k = 0; k < 8; k++) {
                Mask m = big.split().masks().get(k);
                assertEquals(2 * SIZE, m.width());
                int inter = 0;
                int union = 0;
                for (int y = 0; y < 2 * SIZE; y++) {
                    for (int x = 0; x < 2 * SIZE; x++) {
                        boolean g = gt.get(k).get(x / 2, y / 2);
                        inter += g && m.get(x, y) ? 1 : 0;
                        union += g || m.get(x, y) ? 1 : 0;
                    }
                }
                // Bilinear enlargement thresholded at half: the 2x2 blocks of the ground truth, up to the
                // pixels along its outline.
                assertTrue(union > 0 && inter >= 0.9 * union,
                        "frame " + k + ": " + inter + " of " + union);
            }
        }
    }

    @Test
    void clipsWithoutASourceOrOutsideABenchmarkAreRefused() throws IOException {
        List<RgbFrame> frames = List.of(RgbFrame.black(SIZE, SIZE));
        try (SaliencyMethod oracle = SaliencyMethods.create("oracle")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> oracle.compute(frames));
            assertTrue(e.getMessage().contains("ClipIngest"), e.getMessage());
            Path stray = dir.getParent().resolve("stray.mp4");
            e = assertThrows(IllegalArgumentException.class,
                    () -> oracle.compute(frames, new ClipSource(stray, new int[] {0}, "")));
            assertTrue(e.getMessage().contains(stray.toString()) && e.getMessage().contains("oracle:DIR"), e.getMessage());
        }
        assertTrue(Files.isRegularFile(dir.resolve(BenchmarkWriter.PARAMETERS)));
    }
}
