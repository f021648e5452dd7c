package org.ecrl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.synth.SynthConfig;
import org.ecrl4j.synth.VideoCodec;
import org.ecrl4j.train.TrainOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {
    @TempDir Path dir;

    @Test
    void tinyDemoWritesTheMetricsOfEveryModelAndSplit() throws Exception {
        // One pair of classes, 4 training videos per class, 24x24: the whole pipeline in seconds.
        SynthConfig tiny = new SynthConfig(2, 4, 24, 16, 8, 0.9, 0.8, 3, VideoCodec.H264);
        TrainOptions one = new TrainOptions(1, 4, 2e-3f, 1e-3f, TrainOptions.Schedule.COSINE, 4, 0.1f, 0, true);
        Demo.Options options = new Demo.Options(dir, List.of(1L, 2L), tiny, 8, "motion", one, one, 0.5, 2,
                List.of(4, 8), one, 0.1, EncoderSharing.SEPARATE, null, "test");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Demo(options, new PrintStream(log, true, StandardCharsets.UTF_8), org.ecrl4j.report.RunReport::write).run();
        String progress = log.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("== seed 2") && progress.contains("ecrl-plus"), progress);

        JsonNode m = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertEquals("fp32", m.path("precision").asText(), "the demo records its precision");
        Path index = dir.resolve("runs").resolve("ecrl").resolve("report").resolve("index.html");
        assertTrue(java.nio.file.Files.isRegularFile(index), "the demo ends with the ECRL report");
        String html = java.nio.file.Files.readString(index);
        assertTrue(html.contains("ecrl") && html.contains("base"), "report compares ECRL with base");
        // Fig. 6 has, for every chosen iid video, its frames, the Grad-CAM of base and of ECRL and the
        // saliency split, each a valid PNG of T = 8 tiles referenced from the page.
        java.util.regex.Matcher video = java.util.regex.Pattern.compile("<h3>Video #(\\d+) — ").matcher(html);
        int videos = 0;
        while (video.find()) {
            videos++;
            for (String f : List.of("frames-", "gradcam-base-", "gradcam-ecrl-", "split-saliency-", "split-foreground-",
                    "split-background-")) {
                String file = f + video.group(1) + ".png";
                assertTrue(html.contains("<img src=\"" + file + "\""), file + " not referenced");
                java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(index.resolveSibling(file).toFile());
                assertTrue(img != null, file + " is not a PNG");
                assertEquals(8 * 96 + 7 * 2, img.getWidth(), file + ": 8 frames of 24 px scaled x4, 2-pixel gaps");
            }
        }
        assertTrue(videos >= 1, "no chosen video in the demo report");
        assertTrue(!html.contains("Frames, Grad-CAM and the saliency split are not shown"), "frames are shown");
        assertTrue(progress.contains(index.toAbsolutePath().toString()), "the demo prints the report's path: " + progress);
        assertEquals(2, m.get("seeds").size());
        assertEquals(24, m.at("/benchmark/size").asInt());
        assertEquals(0.5, m.get("chance").asDouble(), 1e-12);
        assertTrue(m.get("seconds").asDouble() > 0);
        for (String model : Demo.MODELS) {
            JsonNode node = m.at("/models/" + model);
            for (String split : Demo.EVAL_SPLITS) {
                for (String key : new String[] {"acc1", "acc1_std", "acc5", "acc5_std"}) {
                    double v = node.at("/" + split + "/" + key).asDouble(-1);
                    assertTrue(v >= 0 && v <= 1, model + " " + split + " " + key + " = " + v);
                }
            }
            double iid = node.at("/iid/acc1").asDouble();
            double shift = node.at("/bg-shift/acc1").asDouble();
            assertEquals(iid - shift, node.get("bias_gap").asDouble(), 1e-9, model);
            assertEquals(node.at("/bg-only/acc1").asDouble(), node.get("static_bias").asDouble(), 1e-9, model);
            // The field's metrics, mean over the seeds: contrasted accuracy is at most bg-shift Acc@1 (a
            // contrasted video is right on bg-shift), the normalised static bias is (s - 1/L) / (1 - 1/L).
            double contrasted = node.get("contrasted_accuracy").asDouble();
            assertTrue(contrasted >= 0 && contrasted <= shift + 1e-9, model + " contrasted " + contrasted);
            assertEquals((node.get("static_bias").asDouble() - 0.5) / 0.5, node.get("static_bias_normalised").asDouble(),
                    1e-9, model);
            assertTrue(node.has("follows_actor_rate"), model);
        }
        // The front page: every model with a run folder has a rendered report, linked from DIR/index.html.
        Path overview = org.ecrl4j.cli.DemoCommand.writeOverview(dir);
        String front = java.nio.file.Files.readString(overview);
        for (String model : List.of("base", "ecrl", "ecrl-plus")) {
            assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("runs").resolve(model).resolve("report")
                    .resolve("index.html")), model + " has a report");
            assertTrue(front.contains("<a href=\"runs/" + model + "/report/index.html\">report</a>"), model + " linked");
        }
        assertTrue(front.contains("<tr><td>ceiling</td>") && front.contains("data-metric=\"static_bias\""), front);
        // The run folders' results hold the field's metrics too (the report shows them).
        JsonNode plusMetrics = new ObjectMapper().readTree(dir.resolve("runs/ecrl-plus/metrics.json").toFile());
        assertTrue(plusMetrics.toString().contains("contrasted_accuracy"), plusMetrics.toString());
    }

    /**
     * {@code learned} saliency through the demo, with augmentation (the training clips decoded again
     * take the net's maps too): the net's record is written and its maps are binary.
     */
    @Test
    void tinyDemoWithLearnedSaliency() throws Exception {
        SynthConfig tiny = new SynthConfig(2, 4, 24, 16, 8, 0.9, 0.8, 3, VideoCodec.H264);
        TrainOptions one = new TrainOptions(1, 4, 2e-3f, 1e-3f, TrainOptions.Schedule.COSINE, 4, 0.1f, 0, true);
        Demo.Options options = new Demo.Options(dir, List.of(1L), tiny, 8, Demo.LEARNED, one, one, 1.0, 2,
                List.of(4, 8), null, 0.1, EncoderSharing.SEPARATE, List.of("base", "ecrl-plus"), "test",
                TrainingClips.Augmentation.DEFAULT);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Demo(options, new PrintStream(log, true, StandardCharsets.UTF_8), null).run();
        String progress = log.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("learned saliency: mean IoU on iid") && progress.contains("frame cache of train"),
                progress);
        assertFalse(progress.contains("skipped "), "a training clip could not be cached: " + progress);
        JsonNode m = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertEquals(Demo.LEARNED, m.at("/benchmark/saliency").asText());
        JsonNode learned = m.at("/benchmark/learned_saliency");
        assertEquals(1, learned.get("seed").asLong());
        double iou = learned.get("iid_mean_iou_learned").asDouble(-1);
        assertTrue(iou >= 0 && iou <= 1, learned.toString());
        assertTrue(m.at("/models/ecrl-plus/iid/acc1").asDouble(-1) >= 0, m.toString());

        // The learned saliency's net trains on one thread too: the same run with libtorch at 2
        // threads (what --threads 2 sets) ends with the same saliency and the same numbers.
        ai.djl.engine.Engine.getInstance();
        Path again = dir.resolve("threads-2");
        runAtThreads(ai.djl.pytorch.jni.JniUtils.getNumThreads() == 2 ? 1 : 2, new Demo(new Demo.Options(again,
                List.of(1L), tiny, 8, Demo.LEARNED, one, one, 1.0, 2, List.of(4, 8), null, 0.1, EncoderSharing.SEPARATE,
                List.of("base", "ecrl-plus"), "test", TrainingClips.Augmentation.DEFAULT),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), null));
        JsonNode m2 = new ObjectMapper().readTree(again.resolve("metrics.json").toFile());
        assertEquals(learned.get("train_loss"), m2.at("/benchmark/learned_saliency/train_loss"));
        assertEquals(m.get("models"), m2.get("models"));
    }

    /**
     * Stage-1 encoders trained side by side end exactly as trained one after the other: the test
     * features every reported run saves (the frozen encoders' output on iid) and its head's
     * parameters are identical bytes, and so are the models' metrics. Every encoder kind runs
     * (ceiling, base, ecrl's M_s and M_c, ecrl-plus with the swap), with augmentation. With 2
     * workers for 5 encoders, encoders start training while ecrl-plus's head trains (with dropout)
     * on the main thread; with 2 seeds, the second seed's encoders train while the first seed's heads
     * do. The runs also differ in libtorch's thread count (what {@code --threads} sets): every
     * model trains on one thread, so it must not matter.
     */
    @Test
    void encodersTrainedSideBySideEqualEncodersTrainedInTurn() throws Exception {
        SynthConfig tiny = new SynthConfig(2, 4, 24, 16, 8, 0.9, 0.8, 3, VideoCodec.H264);
        TrainOptions two = new TrainOptions(2, 4, 2e-3f, 1e-3f, TrainOptions.Schedule.COSINE, 4, 0.1f, 0, true);
        JsonNode[] metrics = new JsonNode[2];
        byte[][][] features = new byte[2][][];
        int[] workers = {1, 2};
        for (int k = 0; k < 2; k++) {
            Path out = dir.resolve("workers-" + workers[k]);
            Demo.Options options = new Demo.Options(out, List.of(1L, 2L), tiny, 8, "motion", two, two, 1.0, 2,
                    List.of(4, 8), null, 0.1, EncoderSharing.SEPARATE, null, "test", TrainingClips.Augmentation.DEFAULT);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            runAtThreads(workers[k],
                    new Demo(options, new PrintStream(log, true, StandardCharsets.UTF_8), null).stage1Workers(workers[k]));
            String progress = log.toString(StandardCharsets.UTF_8);
            assertEquals(workers[k] > 1, progress.contains("5 encoders a seed, 2 side by side"), progress);
            assertEquals(workers[k] > 1, progress.contains("[seed 2 ecrl-plus] "), progress); // queued to a worker
            metrics[k] = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
            List<String> runs = List.of("base", "ecrl", "ecrl-plus");
            features[k] = new byte[2 * runs.size()][];
            for (int r = 0; r < runs.size(); r++) {
                Path run = out.resolve("runs").resolve(runs.get(r));
                features[k][2 * r] = java.nio.file.Files.readAllBytes(run.resolve(Demo.REPORT_FEATURES));
                features[k][2 * r + 1] = java.nio.file.Files.readAllBytes(run.resolve(org.ecrl4j.train.HeadModel.PARAMS_FILE));
            }
            JsonNode timings = metrics[k].get("timings");
            for (String phase : List.of("stage 1: ceiling", "stage 1: base", "stage 1: ecrl M_s", "stage 1: ecrl M_c",
                    "stage 1: ecrl-plus", "ingest (decode + saliency)", "heads (features + training)", "evaluation")) {
                assertTrue(timings.path(phase).asDouble(-1) > 0, phase + " timed: " + timings);
            }
        }
        for (int r = 0; r < features[0].length; r++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(features[0][r], features[1][r],
                    (r % 2 == 0 ? "features of run " : "head of run ") + r / 2);
        }
        assertEquals(metrics[0].get("models"), metrics[1].get("models"));
    }

    /**
     * A stage-1 encoder that fails stops the demo with its error, without a hang and without
     * metrics: with 2 seeds and 2 workers, seed 2's M_c fails while the heads' thread works on seed 1
     * (the queue is cancelled), and seed 1's ecrl-plus fails while the heads' thread waits for it.
     */
    @Test
    void aFailedEncoderStopsTheDemoWithItsError() throws Exception {
        SynthConfig tiny = new SynthConfig(2, 4, 24, 16, 8, 0.9, 0.8, 3, VideoCodec.H264);
        TrainOptions two = new TrainOptions(2, 4, 2e-3f, 1e-3f, TrainOptions.Schedule.COSINE, 4, 0.1f, 0, true);
        for (String failing : List.of("2 ecrl M_c", "1 ecrl-plus")) {
            Path out = dir.resolve("fails-" + failing.replace(' ', '-'));
            Demo.Options options = new Demo.Options(out, List.of(1L, 2L), tiny, 8, "motion", two, two, 1.0, 2,
                    List.of(4, 8), null, 0.1, EncoderSharing.SEPARATE, null, "test", TrainingClips.Augmentation.DEFAULT);
            Demo demo = new Demo(options, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    null).stage1Workers(2);
            demo.failingJobForTests = failing;
            Throwable[] thrown = new Throwable[1];
            Thread t = new Thread(() -> {
                try {
                    demo.run();
                } catch (Throwable e) {
                    thrown[0] = e;
                }
            });
            t.start();
            t.join(120_000);
            assertFalse(t.isAlive(), "the demo hangs after " + failing + " failed");
            assertTrue(thrown[0] instanceof IllegalStateException
                    && thrown[0].getMessage().contains("failed on purpose"), String.valueOf(thrown[0]));
            assertFalse(java.nio.file.Files.exists(out.resolve("metrics.json")), "no metrics after a failure");
        }
    }

    /** Runs the demo with libtorch's intra-op threads at {@code threads} (what --threads sets), then restores them. */
    private static void runAtThreads(int threads, Demo demo) throws java.io.IOException {
        ai.djl.engine.Engine.getInstance();
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        try {
            demo.run();
        } finally {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(before);
        }
    }

    @Test
    void valStaticFreezesEachClipOnItsFirstFrameWithEmptySaliency() {
        List<StoredClip> clips = JointTrainerTest.clips(4, 3);
        List<StoredClip> still = Demo.still(clips);
        assertEquals(clips.size(), still.size());
        for (int i = 0; i < clips.size(); i++) {
            StoredClip c = still.get(i);
            assertEquals(clips.get(i).label(), c.label());
            assertEquals(clips.get(i).frames().size(), c.frames().size());
            for (int t = 0; t < c.frames().size(); t++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(clips.get(i).frames().get(0).pixels(),
                        c.frames().get(t).pixels(), "frame " + t + " is the first frame");
                for (byte b : c.saliency().get(t).values()) {
                    assertEquals(0, b, "nothing is salient in a still clip");
                }
            }
            // The source clip moves: its last frame differs from its first.
            assertTrue(!java.util.Arrays.equals(clips.get(i).frames().get(0).pixels(),
                    clips.get(i).frames().get(3).pixels()));
        }
    }

    @Test
    void unknownModelsAndEncoderChoicesAreRefused() {
        SynthConfig tiny = new SynthConfig(2, 4, 24, 16, 8, 0.9, 0.8, 3, VideoCodec.H264);
        TrainOptions one = new TrainOptions(1, 4, 2e-3f, 1e-3f, TrainOptions.Schedule.COSINE, 4, 0.1f, 0, true);
        IllegalArgumentException m = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Demo.Options(dir, List.of(1L), tiny, 8, "motion", one, one, 1.0, 2, List.of(4, 8), null, 0.1,
                        EncoderSharing.SEPARATE, List.of("ecrl", "resnet"), "test"));
        assertTrue(m.getMessage().contains("resnet") && m.getMessage().contains("ecrl-plus"), m.getMessage());
        // The encoders' mode is an enum: a bad value is refused where it is parsed, on the command line.
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = org.ecrl4j.cli.EcrlCommand.commandLine();
        cl.setErr(new java.io.PrintWriter(err));
        assertEquals(2, cl.execute("demo", "--out", dir.resolve("never").toString(), "--ecrl-encoders", "both"));
        assertTrue(err.toString().contains("separate"), err.toString());
        assertEquals(Demo.MODELS, new Demo.Options(dir, List.of(1L), tiny, 8, "motion", one, one, 1.0, 2,
                List.of(4, 8), null, 0.1, EncoderSharing.SHARED, null, "test").models());
    }
}
