package org.ecrl4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.ecrl4j.saliency.ClipIngest;
import org.ecrl4j.saliency.CropMode;
import org.ecrl4j.saliency.SaliencyMap;
import org.ecrl4j.saliency.SaliencyMethod;
import org.ecrl4j.saliency.SaliencyMethods;
import org.ecrl4j.saliency.SplitClip;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.util.AtomicFiles;
import org.ecrl4j.util.OutputFolder;
import org.ecrl4j.video.ClipTransform;
import org.ecrl4j.video.DecodeOptions;
import org.ecrl4j.video.FrameSampler;
import org.ecrl4j.video.Frames;
import org.ecrl4j.video.SamplingMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ecrl4j saliency VIDEO --out DIR}: samples a video's frames, computes their saliency and the
 * foreground/background split, and writes, per sampled frame, PNGs of the frame (V), its saliency
 * map, the foreground crop (S) and the background (C), for a person to look at.
 */
@Command(name = "saliency", mixinStandardHelpOptions = true,
        description = "Write the sampled frames of a video with their saliency map, foreground crop and background as PNGs.")
public final class SaliencyCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "VIDEO", description = "A video file or a folder of JPEG/PNG frames.")
    Path video;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the PNGs (absent or empty).")
    Path out;

    @Option(names = "--overwrite", description = "Replace the ecrl4j output already in --out.")
    boolean overwrite;

    @Option(names = "--method", paramLabel = "M", defaultValue = SaliencyMethods.DEFAULT,
            description = "spectral (default), fine-grained, motion, motion-compensated (a moving camera),"
                    + " model:PATH (a TorchScript file) or oracle[:DIR] (a synth benchmark's masks).")
    String method;

    @Option(names = "--frames", paramLabel = "T", defaultValue = "8", description = "Frames to sample (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--sampling", paramLabel = "MODE", defaultValue = "segment",
            description = "segment (segment centres), uniform, or fixed (0,4,...,24,29 of 30).")
    String sampling;

    @Option(names = "--size", defaultValue = "224", description = "Input size: shorter side resized, then a centre square crop (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--crop", defaultValue = "frame", description = "frame: a box per frame (paper); clip: one box for the clip.")
    String crop;

    @Option(names = "--fg-mask", defaultValue = "off", description = "on: zero the non-salient pixels inside the box.")
    String fgMask;

    @Option(names = "--bg-threshold", defaultValue = "200", description = "Saliency zeroed in the background (default ${DEFAULT-VALUE}).")
    int bgThreshold;

    @Option(names = "--fg-threshold", defaultValue = "10", description = "Saliency of the foreground box (default ${DEFAULT-VALUE}).")
    int fgThreshold;

    @Override
    public Integer call() throws Exception {
        ClipIngest.Options options;
        try {
            FrameSampler sampler = FrameSampler.of(SamplingMode.parse(sampling), frames);
            SplitOptions split = new SplitOptions(bgThreshold, fgThreshold, CropMode.parse(crop), onOff(fgMask, "--fg-mask"), 2);
            options = new ClipIngest.Options(sampler, new ClipTransform(size, size, size, 0), split, DecodeOptions.DEFAULTS);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        OutputFolder folder = OutputFolder.open(out, "saliency", overwrite, false, false);
        return folder.run(() -> writePngs(options), dir -> false);
    }

    private int writePngs(ClipIngest.Options options) throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        try (SaliencyMethod m = SaliencyMethods.create(method)) {
            ClipIngest.Result r = new ClipIngest(options, m).ingest(video, null, false, 0);
            SplitClip s = r.split();
            int[] idx = r.frameIndices();
            for (int i = 0; i < idx.length; i++) {
                String stem = String.format("%02d_frame%05d_", i, idx[i]);
                SaliencyMap map = s.saliency().get(i);
                writePng(stem + "frame.png", Frames.encodePng(s.whole().get(i)));
                writePng(stem + "saliency.png", Frames.encodePngGray(map.values(), map.width(), map.height()));
                writePng(stem + "foreground.png", Frames.encodePng(s.foreground().get(i)));
                writePng(stem + "background.png", Frames.encodePng(s.background().get(i)));
                o.printf("frame %d (index %d): box %s%s%n", i, idx[i], describe(s, i), s.fallback()[i] ? " (nothing salient: fallback)" : "");
            }
            o.printf("wrote %d PNGs to %s (method %s)%n", idx.length * 4, out, m.name());
        }
        o.flush();
        return 0;
    }

    private void writePng(String name, byte[] png) throws java.io.IOException {
        AtomicFiles.write(out.resolve(name), w -> w.write(png));
    }

    private static String describe(SplitClip s, int i) {
        var b = s.boxes().get(i);
        return b.width() + "x" + b.height() + " at (" + b.x() + "," + b.y() + ")";
    }

    static boolean onOff(String v, String option) {
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException(option + " takes on or off, got '" + v + "'");
        };
    }
}
