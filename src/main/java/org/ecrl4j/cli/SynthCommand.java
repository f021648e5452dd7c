package org.ecrl4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ecrl4j.synth.BenchmarkPlan;
import org.ecrl4j.synth.BenchmarkWriter;
import org.ecrl4j.synth.Hardness;
import org.ecrl4j.synth.SynthConfig;
import org.ecrl4j.synth.VideoCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Generates the built-in Confounded Events benchmark (docs/BENCHMARK.md). */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Generate the Confounded Events benchmark: event videos (MP4), annotations.csv,"
                + " classes.txt, per-frame object masks and benchmark.json.")
public final class SynthCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, description = "Output folder (absent or empty).")
    Path out;

    @Option(names = "--classes", defaultValue = "6",
            description = "Number of classes, whole time-reversed pairs: 2 to 10 (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--per-class", defaultValue = "60",
            description = "Train videos per class; the other splits scale with it (default: ${DEFAULT-VALUE}).")
    int perClass;

    @Option(names = "--preset", defaultValue = "default", paramLabel = "default|hard",
            description = "default: the benchmark of BENCHMARK.md (48x48); hard: 64x64 with camera motion, two"
                    + " distractors, a swaying and flickering background, occlusion and several event speeds"
                    + " (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--size", description = "Frame side in pixels, even (default: 48; 64 with --preset hard).")
    Integer size;

    @Option(names = "--camera-motion", description = "Add per-video pan, zoom and shake (part of --preset hard).")
    boolean cameraMotion;

    @Option(names = "--distractors", paramLabel = "N",
            description = "Add N moving distractor objects behind the event (--preset hard: 2).")
    Integer distractors;

    @Option(names = "--dynamic-background",
            description = "Make the background sway and flicker (part of --preset hard).")
    boolean dynamicBackground;

    @Option(names = "--occlusion", description = "Put a bar in front of the object in half of the videos (part of --preset hard).")
    boolean occlusion;

    @Option(names = "--speeds",
            description = "Play each event over a half, three quarters or all of the clip (part of --preset hard).")
    boolean speeds;

    @Option(names = "--frames", defaultValue = "16", description = "Frames per video (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--fps", defaultValue = "8", description = "Frame rate (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--bg-bias", defaultValue = "0.9",
            description = "Share of train/val/iid videos on their class's home background (default: ${DEFAULT-VALUE}).")
    double bgBias;

    @Option(names = "--obj-bias", defaultValue = "0.8",
            description = "Share of train/val/iid videos with their class's home shape (default: ${DEFAULT-VALUE}).")
    double objBias;

    @Option(names = "--seed", defaultValue = "1", description = "Global seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--codec", defaultValue = "h264",
            description = "Video codec: h264 (libopenh264) or mpeg4 (MPEG-4 Part 2) (default: ${DEFAULT-VALUE}).")
    String codec;

    @Option(names = "--threads", defaultValue = "0",
            description = "Worker threads; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--overwrite", description = "Replace the ecrl4j output already in --out.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        SynthConfig cfg;
        VideoCodec videoCodec;
        try {
            videoCodec = VideoCodec.ofLabel(codec);
            SynthConfig base = SynthConfig.preset(preset, seed);
            Hardness h = base.hardness();
            h = cameraMotion ? h.withCameraMotion(true) : h;
            h = distractors != null ? h.withDistractors(distractors) : h;
            h = dynamicBackground ? h.withDynamicBackground(true) : h;
            h = occlusion ? h.withOcclusion(true) : h;
            h = speeds ? h.withSpeeds(true) : h;
            cfg = new SynthConfig(classes, perClass, size == null ? base.size() : size, frames, fps, bgBias, objBias,
                    seed, videoCodec, h);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (threads < 0) {
            throw new ParameterException(spec.commandLine(), "--threads must be 0 (one per core) or more, got " + threads);
        }
        int workers = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        BenchmarkPlan plan = new BenchmarkPlan(cfg);
        System.err.printf(Locale.ROOT, "synth: %d videos (%d classes, %dx%d, %d frames, %s%s) to %s on %d threads%n",
                plan.entries().size(), cfg.classes(), cfg.size(), cfg.size(), cfg.frames(), videoCodec.label(),
                cfg.hardness().none() ? "" : ", " + String.join(" ", cfg.hardness().flags()), out, workers);
        long t0 = System.nanoTime();
        BenchmarkWriter.Summary s = new BenchmarkWriter(plan, workers, System.err).write(out, overwrite);
        double secs = (System.nanoTime() - t0) / 1e9;
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %d videos, %d files, %.1f MB to %s in %.1f s%n",
                s.videos(), s.files(), s.bytes() / 1e6, out, secs);
        spec.commandLine().getOut().flush();
        if (!s.failures().isEmpty()) {
            throw new IllegalStateException(s.failures().size() + " of " + plan.entries().size()
                    + " videos failed and are left out of " + out.resolve(BenchmarkWriter.ANNOTATIONS)
                    + " (first: " + s.failures().get(0) + "); fix the cause and run again with --overwrite");
        }
        return 0;
    }
}
