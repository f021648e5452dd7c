package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The saliency, check-videos and bench ingest commands, run through the root command line. */
class VideoCommandsTest {
    static final Path VIDEOS = Path.of("src/test/resources/fixtures/videos");

    @Test
    void saliencyWritesFourPngsPerSampledFrame(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EcrlCommandTest.run(out, err, "saliency", VIDEOS.resolve("h264_340x256_300f.mp4").toString(),
                "--method", "motion", "--frames", "4", "--size", "64", "--crop", "clip", "--fg-mask", "on",
                "--out", dir.toString());
        assertEquals(0, code, err.toString());
        List<Path> pngs;
        try (Stream<Path> s = Files.list(dir)) {
            pngs = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        assertEquals(16, pngs.size(), pngs.toString());
        for (String kind : List.of("frame", "saliency", "foreground", "background")) {
            Path p = dir.resolve("00_frame00037_" + kind + ".png");
            assertTrue(Files.exists(p), p + " in " + pngs);
            try (Mat m = opencv_imgcodecs.imread(p.toString(), opencv_imgcodecs.IMREAD_UNCHANGED)) {
                assertEquals(64, m.cols());
                assertEquals(64, m.rows());
                assertEquals(kind.equals("saliency") ? 1 : 3, m.channels(), kind);
            }
        }
        assertTrue(out.toString().contains("wrote 16 PNGs"), out.toString());
    }

    @Test
    void saliencyRefusesBadOptionsAsUsageErrors(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EcrlCommandTest.run(out, err, "saliency", VIDEOS.resolve("rotated_90.mov").toString(),
                "--crop", "diagonal", "--out", dir.toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("frame or clip"), err.toString());
    }

    @Test
    void saliencyOnABadVideoNamesIt(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EcrlCommandTest.run(out, err, "saliency", VIDEOS.resolve("corrupted.mp4").toString(),
                "--out", dir.toString());
        assertEquals(1, code);
        assertTrue(err.toString().startsWith("error: ") && err.toString().contains("corrupted.mp4"), err.toString());
    }

    @Test
    void checkVideosReportsTheBadFileAndDecodesTheOthers() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, EcrlCommandTest.run(out, err, "check-videos", VIDEOS.toString()));
        String o = out.toString();
        assertTrue(o.contains("BAD  src/test/resources/fixtures/videos/corrupted.mp4: damaged"), o);
        assertTrue(o.contains("ok   src/test/resources/fixtures/videos/flipping_pancake.mkv  426x240  310 frames"), o);
        assertTrue(o.contains("ok   src/test/resources/fixtures/videos/rotated_90.mov  320x568  3 frames"), o);
        assertTrue(o.contains("5 videos checked, 4 good, 1 bad"), o);
        StringWriter out2 = new StringWriter();
        assertEquals(1, EcrlCommandTest.run(out2, new StringWriter(), "check-videos", "--strict", VIDEOS.toString()));
    }

    @Test
    void checkVideosFindsFrameFoldersAndRefusesAMalformedAnnotation(@TempDir Path dir) throws Exception {
        Path frames = Files.createDirectories(dir.resolve("a/clip1"));
        Path png = frames.resolve("0001.png");
        try (Mat m = new Mat(8, 8, org.bytedeco.opencv.global.opencv_core.CV_8UC3)) {
            m.put(new org.bytedeco.opencv.opencv_core.Scalar(10, 20, 30, 0));
            assertTrue(opencv_imgcodecs.imwrite(png.toString(), m));
        }
        Files.writeString(dir.resolve("a/broken.avi"), "garbage");
        StringWriter out = new StringWriter();
        assertEquals(1, EcrlCommandTest.run(out, new StringWriter(), "check-videos", dir.toString(), "--strict"));
        assertTrue(out.toString().contains("ok   " + frames + "  8x8  1 frames"), out.toString());
        assertTrue(out.toString().contains("BAD  " + dir.resolve("a/broken.avi")), out.toString());
        Path csv = Files.writeString(dir.resolve("list.csv"), "a/clip1,x\n"); // no header row
        StringWriter err = new StringWriter();
        assertEquals(1, EcrlCommandTest.run(new StringWriter(), err, "check-videos", csv.toString()));
        assertTrue(err.toString().startsWith("error: ") && err.toString().contains("list.csv"), err.toString());
    }

    /**
     * A CSV annotation listing fixture videos (one of them twice, in two splits), the corrupted one
     * and a missing file: every good video is decoded, each bad one reported once.
     */
    @Test
    void checkVideosReadsAnAnnotationFile(@TempDir Path dir) throws Exception {
        Path videos = VIDEOS.toAbsolutePath().normalize();
        String csv = "path,label,split\n"
                + videos.resolve("h264_340x256_300f.mp4") + ",a,train\n"
                + videos.resolve("corrupted.mp4") + ",b,train\n"
                + videos.resolve("rotated_90.mov") + ",a,val\n"
                + videos.resolve("h264_340x256_300f.mp4") + ",a,test\n"
                + videos.resolve("missing.mp4") + ",b,test\n";
        Path annotations = Files.writeString(dir.resolve("annotations.csv"), csv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, EcrlCommandTest.run(out, err, "check-videos", annotations.toString(), "--root", videos.toString()),
                err.toString());
        String o = out.toString();
        assertTrue(o.contains("ok   " + videos.resolve("h264_340x256_300f.mp4") + "  340x256  300 frames"), o);
        assertTrue(o.contains("ok   " + videos.resolve("rotated_90.mov") + "  320x568  3 frames"), o);
        assertTrue(o.contains("BAD  " + videos.resolve("corrupted.mp4") + ": damaged"), o);
        assertTrue(o.contains("BAD  " + videos.resolve("missing.mp4")), o);
        assertTrue(o.contains("4 videos checked, 2 good, 2 bad"), o);
        assertEquals(1, EcrlCommandTest.run(new StringWriter(), new StringWriter(), "check-videos", annotations.toString(),
                "--root", videos.toString(), "--strict"));
        // Without --root the fixtures lie outside the annotation's folder: one error naming the line.
        err = new StringWriter();
        assertEquals(1, EcrlCommandTest.run(new StringWriter(), err, "check-videos", annotations.toString()));
        assertTrue(err.toString().contains(annotations + ":2") && err.toString().contains("dataset root"), err.toString());
    }

    @Test
    void benchIngestTimesEachMethodAndExplainsAMissingFfmpeg(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path csv = dir.resolve("bench.csv");
        int code = EcrlCommandTest.run(out, err, "bench", "ingest", VIDEOS.resolve("rotated_90.mov").toString(),
                VIDEOS.resolve("corrupted.mp4").toString(), "--methods", "motion,spectral", "--repeat", "1",
                "--size", "32", "--ffmpeg", dir.resolve("no-ffmpeg").toString(), "--csv", csv.toString());
        assertEquals(0, code, err.toString());
        String o = out.toString();
        assertTrue(o.contains("apt-get install ffmpeg"), o);
        assertTrue(o.contains("motion_ms\tspectral_ms"), o);
        assertTrue(o.contains("BAD  src/test/resources/fixtures/videos/corrupted.mp4"), o);
        assertTrue(o.contains("1 videos timed, 1 bad"), o);
        assertTrue(o.contains("V,S,C with motion:"), o);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(2, lines.size());
        // video, frames, seconds, keyframes, floor, ffmpeg_ms (none here), ...
        String[] cells = lines.get(1).split(",");
        assertTrue(lines.get(1).startsWith("src/test/resources/fixtures/videos/rotated_90.mov,3,0.1,"), lines.get(1));
        assertEquals("-", cells[5], lines.get(1));
    }

    /**
     * {@code bench ingest --peer --json}: the PyAV peer samples the same frames (indices and pixels)
     * as ecrl4j, every round of both sides is reported, and the decode floor lies between the
     * sampled frames alone and the whole file. No timing is asserted.
     */
    @Test
    void benchIngestPeerSamplesTheSameFrames(@TempDir Path dir) throws Exception {
        org.ecrl4j.tools.PythonTools.require();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EcrlCommandTest.run(out, err, "bench", "ingest", VIDEOS.resolve("h264_340x256_300f.mp4").toString(),
                VIDEOS.resolve("rotated_90.mov").toString(), "--methods", "none", "--repeat", "2", "--threads", "2",
                "--ffmpeg", dir.resolve("no-ffmpeg").toString(), "--peer", "--json");
        assertEquals(0, code, err.toString());
        com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.toString());
        assertEquals(2, report.get("threads").asInt());
        assertEquals(2, report.get("files").size(), out.toString());
        for (com.fasterxml.jackson.databind.JsonNode f : report.get("files")) {
            String v = f.get("video").asText();
            assertTrue(f.get("same_indices").asBoolean(), v + ": " + f);
            assertTrue(f.get("same_pixels").asBoolean(), v + ": " + f);
            assertEquals(2, f.get("peer_ms").size(), v);
            assertEquals(2, f.get("ecrl4j_ms").size(), v);
            assertTrue(f.get("peer_median_ms").asDouble() > 0, v);
            int n = f.get("frames").asInt();
            double floor = f.get("floor_frames").asDouble();
            int distinct = (int) java.util.stream.StreamSupport.stream(f.get("sampled_frames").spliterator(), false)
                    .mapToInt(com.fasterxml.jackson.databind.JsonNode::asInt).distinct().count();
            assertTrue(floor >= distinct && floor <= n, v + ": floor " + floor + " of " + n);
        }
        // the H.264 fixture: 2 keyframes, so 2 sections; the floor skips its non-reference frames
        com.fasterxml.jackson.databind.JsonNode h264 = report.get("files").get(0);
        assertEquals(2, h264.get("ecrl4j_sections").asInt());
        assertTrue(h264.get("floor_share").asDouble() < 0.9, h264.toString());
        assertTrue(report.get("summary").has("peer_over_ecrl4j_geomean"), report.toString());
    }

    @Test
    void benchWithoutSubcommandIsBadUsage() {
        StringWriter err = new StringWriter();
        assertEquals(2, EcrlCommandTest.run(new StringWriter(), err, "bench"));
        assertTrue(err.toString().contains("ingest"), err.toString());
    }
}
