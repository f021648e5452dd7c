package org.ecrl4j.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.ecrl4j.data.DatasetReaders;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.video.ClipReader;
import org.ecrl4j.video.FrameSampler;
import org.ecrl4j.video.RgbFrame;
import org.ecrl4j.video.VideoReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes a tiny benchmark and reads every file back. */
class BenchmarkWriterTest {
    /** 4 classes, 3 train videos per class: every split, 56 videos of 32x32. */
    static final SynthConfig TINY = new SynthConfig(4, 3, 32, 16, 8, 0.9, 0.8, 77, VideoCodec.H264);

    @TempDir static Path tmp;
    static Path dir;
    static BenchmarkWriter.Summary summary;

    @BeforeAll
    static void writeTiny() throws IOException {
        dir = tmp.resolve("tiny");
        summary = new BenchmarkWriter(new BenchmarkPlan(TINY), 2, null).write(dir, false);
    }

    static List<CSVRecord> annotations(Path root) throws IOException {
        try (Reader r = Files.newBufferedReader(root.resolve(BenchmarkWriter.ANNOTATIONS));
                CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
            assertEquals(BenchmarkWriter.COLUMNS, p.getHeaderNames());
            return p.getRecords();
        }
    }

    static VideoSpec specOf(CSVRecord row) {
        String shape = row.get("shape");
        boolean bgOnly = row.get("split").equals(Split.BG_ONLY.label());
        VideoSpec.Motion motion = !bgOnly ? VideoSpec.Motion.EVENT
                : shape.equals(VideoSpec.NO_SHAPE) ? VideoSpec.Motion.NONE : VideoSpec.Motion.STATIC;
        return new VideoSpec(EventClass.ofLabel(row.get("label")), Background.ofLabel(row.get("background")),
                shape.equals(VideoSpec.NO_SHAPE) ? null : ObjectShape.ofLabel(shape), Long.parseLong(row.get("seed")),
                motion);
    }

    @Test
    void annotationsClassesAndParametersDescribeTheFiles() throws IOException {
        List<CSVRecord> rows = annotations(dir);
        assertEquals(56, rows.size());
        assertEquals(56, summary.videos());
        assertTrue(summary.failures().isEmpty(), summary.failures().toString());
        assertEquals(2 * 56 + 3, summary.files());
        assertEquals(List.of("slide-left", "slide-right", "rise", "fall"), Files.readAllLines(dir.resolve("classes.txt")));
        Map<String, Integer> perSplit = new HashMap<>();
        for (CSVRecord row : rows) {
            perSplit.merge(row.get("split"), 1, Integer::sum);
            String path = row.get("path");
            assertTrue(path.startsWith("videos/" + row.get("split") + "/") && path.endsWith(".mp4"), path);
            assertTrue(Files.size(dir.resolve(path)) > 0, path);
            assertTrue(Files.isRegularFile(dir.resolve(BenchmarkPlan.maskPathFor(path))), path);
        }
        assertEquals(Map.of("train", 12, "val", 4, "train-unbiased", 12, "iid", 8, "bg-shift", 8, "obj-shift", 8,
                "bg-only", 4), perSplit);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("benchmark.json").toFile());
        assertEquals(32, json.get("size").asInt());
        assertEquals(77, json.get("seed").asLong());
        assertEquals("h264", json.get("codec").asText());
        assertEquals("sky", json.get("homes").get("slide-left").get("background").asText());
        try (var files = Files.walk(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    /**
     * Every video decodes through the project's decoder ({@link VideoReader}) to its 16 frames at 32x32 and is close to the frames rendered again from
     * its annotation row. The threshold: YUV 4:2:0 halves the chroma resolution, and on 32-pixel
     * frames with one-pixel dark outlines, saturated objects and hue edges in the textures the
     * averaged chroma of the 2x2 blocks across those edges alone costs 22-30 dB, while the encoder
     * at quantiser <= 18 keeps the luma near 40 dB. Measured over the 5,760 frames of the default
     * benchmark's iid and bg-shift splits: RGB mean 30.6 dB, worst frame 22.1 dB; luma mean 39.9 dB,
     * worst 32.7 dB; the worst video here (brick with its one-pixel mortar at 32 pixels) 23.2 dB on
     * average. So each frame must reach 20 dB over RGB and 30 dB over luma, and each video's mean
     * 22 dB; frames out of order fail the neighbour check below, and a colour swap or a one-pixel
     * shift falls far below these.
     */
    @Test
    void everyVideoRoundTripsThroughTheDecoder() throws Exception {
        EventRenderer renderer = new EventRenderer(TINY.size(), TINY.frames());
        double worst = Double.POSITIVE_INFINITY;
        for (CSVRecord row : annotations(dir)) {
            Path video = dir.resolve(row.get("path"));
            List<RgbFrame> decoded = TestDecoder.decode(video);
            RenderedVideo expected = renderer.render(specOf(row));
            assertEquals(TINY.frames(), decoded.size(), video.toString());
            double sum = 0;
            for (int t = 0; t < decoded.size(); t++) {
                RgbFrame d = decoded.get(t);
                assertEquals(32, d.width());
                assertEquals(32, d.height());
                double psnr = TestDecoder.psnr(d, expected.frames().get(t));
                double luma = TestDecoder.lumaPsnr(d, expected.frames().get(t));
                assertTrue(psnr > 20 && luma > 30, video + " frame " + t + ": PSNR " + psnr + ", luma " + luma);
                worst = Math.min(worst, psnr);
                sum += psnr;
                if (t > 0) { // frames are in order: frame t is closer to its own render than to its neighbour's
                    double shifted = TestDecoder.psnr(d, expected.frames().get(t - 1));
                    assertTrue(specOf(row).motion() != VideoSpec.Motion.EVENT || shifted < psnr, video + " frame " + t);
                }
            }
            assertTrue(sum / decoded.size() > 22, video + " mean PSNR " + sum / decoded.size());
            List<byte[]> masks = MaskStrip.read(dir.resolve(BenchmarkPlan.maskPathFor(row.get("path"))), 32);
            assertEquals(expected.masks().size(), masks.size());
            for (int t = 0; t < masks.size(); t++) {
                assertArrayEquals(expected.masks().get(t), masks.get(t), video + " mask " + t);
            }
        }
        assertTrue(worst > 20, "worst PSNR " + worst);
    }

    /**
     * The project's dataset reader takes {@code annotations.csv} as it is: every row resolves to an
     * existing video inside the benchmark, with the label, split, background, shape and seed of the
     * plan, in plan order, and the classes of {@code classes.txt}.
     */
    @Test
    void theAnnotationsReadBackThroughTheDatasetReader() throws IOException {
        Path csv = dir.resolve(BenchmarkWriter.ANNOTATIONS);
        List<VideoSample> samples = DatasetReaders.read(csv);
        List<BenchmarkPlan.Entry> entries = new BenchmarkPlan(TINY).entries();
        assertEquals(entries.size(), samples.size());
        for (int i = 0; i < samples.size(); i++) {
            VideoSample s = samples.get(i);
            BenchmarkPlan.Entry e = entries.get(i);
            assertEquals(dir.resolve(e.path()).toAbsolutePath().normalize(), s.path().toAbsolutePath().normalize());
            assertTrue(Files.isRegularFile(s.path()), s.path().toString());
            assertEquals(e.spec().label().label(), s.label(), e.path());
            assertEquals(e.split().label(), s.split(), e.path());
            assertEquals(null, s.segment(), e.path());
            assertEquals(Map.of("background", e.spec().background().label(), "shape", e.spec().shapeLabel(),
                    "seed", Long.toString(e.spec().seed())), s.attributes(), e.path());
        }
        assertEquals(List.of("slide-left", "slide-right", "rise", "fall"), DatasetReaders.classes(csv, samples));
    }

    /**
     * The frames the benchmark assumes evaluation samples (benchmark.json's {@code sampledFrames},
     * {@link SynthConfig#sampledFrames}) are the ones the project's sampler picks on the decoded
     * videos (segment mode, evaluation), and decoding only those gives the same pixels as decoding
     * every frame.
     */
    @Test
    void theEvaluationSamplerPicksTheBenchmarksSampledFrames() throws Exception {
        int[] assumed = SynthConfig.sampledFrames(TINY.frames(), SynthConfig.SAMPLED_FRAMES);
        assertArrayEquals(new int[] {1, 3, 5, 7, 9, 11, 13, 15}, assumed);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("benchmark.json").toFile());
        int[] written = new int[json.get("sampledFrames").size()];
        for (int i = 0; i < written.length; i++) {
            written[i] = json.get("sampledFrames").get(i).asInt();
        }
        assertArrayEquals(assumed, written);
        FrameSampler sampler = FrameSampler.segment(SynthConfig.SAMPLED_FRAMES);
        for (CSVRecord row : annotations(dir).subList(0, 12)) {
            Path video = dir.resolve(row.get("path"));
            List<RgbFrame> all = TestDecoder.decode(video);
            try (VideoReader r = VideoReader.open(video)) {
                int[] idx = ClipReader.indices(r, null, sampler, false, 0);
                assertArrayEquals(assumed, idx, video.toString());
                List<RgbFrame> sampled = r.read(idx);
                for (int k = 0; k < idx.length; k++) {
                    assertArrayEquals(all.get(idx[k]).pixels(), sampled.get(k).pixels(), video + " frame " + idx[k]);
                }
            }
        }
    }

    @Test
    void theSameSeedGivesIdenticalFilesAndFramesWithAnyNumberOfThreads() throws Exception {
        Path again = tmp.resolve("again");
        new BenchmarkWriter(new BenchmarkPlan(TINY), 1, null).write(again, false);
        for (String f : List.of("annotations.csv", "classes.txt", "benchmark.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve(f)), Files.readAllBytes(again.resolve(f)), f);
        }
        List<CSVRecord> rows = annotations(dir);
        for (CSVRecord row : rows) {
            String mask = BenchmarkPlan.maskPathFor(row.get("path"));
            assertArrayEquals(Files.readAllBytes(dir.resolve(mask)), Files.readAllBytes(again.resolve(mask)), mask);
        }
        for (CSVRecord row : rows.subList(0, 8)) {
            List<RgbFrame> a = TestDecoder.decode(dir.resolve(row.get("path")));
            List<RgbFrame> b = TestDecoder.decode(again.resolve(row.get("path")));
            for (int t = 0; t < a.size(); t++) {
                assertArrayEquals(a.get(t).pixels(), b.get(t).pixels(), row.get("path") + " frame " + t);
            }
        }
        Path other = tmp.resolve("otherSeed");
        SynthConfig c = TINY;
        new BenchmarkWriter(new BenchmarkPlan(new SynthConfig(c.classes(), c.perClass(), c.size(), c.frames(), c.fps(),
                c.bgBias(), c.objBias(), 78, c.codec())), 2, null).write(other, false);
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(dir.resolve("annotations.csv")),
                Files.readAllBytes(other.resolve("annotations.csv"))), "another seed, another benchmark");
    }

    @Test
    void mpeg4WritesDecodableVideos() throws Exception {
        Path m = tmp.resolve("mpeg4");
        SynthConfig cfg = new SynthConfig(2, 1, 32, 12, 8, 0.9, 0.8, 5, VideoCodec.MPEG4);
        new BenchmarkWriter(new BenchmarkPlan(cfg), 2, null).write(m, false);
        EventRenderer renderer = new EventRenderer(32, 12);
        List<CSVRecord> rows = annotations(m);
        assertEquals(2 * 7, rows.size());
        for (CSVRecord row : rows) {
            List<RgbFrame> decoded = TestDecoder.decode(m.resolve(row.get("path")));
            assertEquals(12, decoded.size());
            RenderedVideo expected = renderer.render(specOf(row));
            for (int t = 0; t < 12; t++) {
                assertTrue(TestDecoder.lumaPsnr(decoded.get(t), expected.frames().get(t)) > 30, row.get("path"));
            }
        }
    }

    @Test
    void aNonEmptyFolderIsRefusedUnlessOverwritingABenchmark() throws IOException {
        Path other = tmp.resolve("someone-elses");
        Files.createDirectories(other);
        Files.writeString(other.resolve("notes.txt"), "keep me");
        BenchmarkWriter w = new BenchmarkWriter(new BenchmarkPlan(new SynthConfig(2, 1, 16, 8, 8, 0.9, 0.8, 1,
                VideoCodec.H264)), 1, null);
        // Issue 10: a folder without the ecrl4j marker is refused with or without overwrite, with one message.
        IOException e = assertThrows(IOException.class, () -> w.write(other, false));
        assertTrue(e.getMessage().contains(other.toString()) && e.getMessage().contains("choose another --out"),
                e.getMessage());
        e = assertThrows(IOException.class, () -> w.write(other, true));
        assertTrue(e.getMessage().contains("is not an ecrl4j output folder"), e.getMessage());
        assertEquals("keep me", Files.readString(other.resolve("notes.txt")));

        Path bench = tmp.resolve("rewrite");
        w.write(bench, false);
        Files.writeString(bench.resolve("videos/train/999999.mp4"), "stale");
        BenchmarkWriter.Summary s = w.write(bench, true);
        assertTrue(Files.notExists(bench.resolve("videos/train/999999.mp4")), "old videos are removed");
        assertEquals(14, s.videos());
    }

    @Test
    void csvRowsAreInPlanOrder() throws IOException {
        List<String> paths = new ArrayList<>();
        for (CSVRecord row : annotations(dir)) {
            paths.add(row.get("path"));
        }
        assertEquals(new BenchmarkPlan(TINY).entries().stream().map(BenchmarkPlan.Entry::path).toList(), paths);
    }
}
