package org.ecrl4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ecrl4j.data.DatasetReaders;
import org.ecrl4j.data.Npz;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.nn.backbone.BackboneSpec;
import org.ecrl4j.nn.backbone.ClipShape;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.VideoEncoder;
import org.ecrl4j.pipeline.DatasetMapper;
import org.ecrl4j.pipeline.VideoFeatures;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.util.AtomicFiles;
import org.ecrl4j.util.OutputFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes the feature file of a dataset through a frozen backbone. */
@Command(name = "extract", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Extract per-frame features of V, S and C through a frozen backbone: the feature file of",
            "`ecrl4j train --features` (video, foreground, background (N,T,d) and label (N)), with the class list",
            "beside it (FEATURES.classes.txt). Bad videos are skipped and listed (FEATURES.skipped.txt)."})
public final class ExtractCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "ANNOTATIONS", description = "annotation file or dataset folder")
    Path data;

    @Option(names = "--backbone", defaultValue = BackboneSpec.DEFAULT, paramLabel = "B",
            description = "builtin (random weights, seeded), builtin:PATH (a saved built-in backbone, e.g. RUN/encoder.tvn)"
                    + " or torchscript:PATH (default: ${DEFAULT-VALUE})")
    String backbone;

    @Option(names = "--split", paramLabel = "S", description = "only the videos of this split (default: all)")
    String split;

    @Option(names = "--out", required = true, paramLabel = "FEATURES.npz",
            description = "feature file to write (must not exist)")
    Path out;

    @Option(names = "--overwrite", description = "replace --out if it is a feature file ecrl4j wrote")
    boolean overwrite;

    @Option(names = "--seed", defaultValue = "0", description = "weights of a plain `builtin` backbone")
    long seed;

    @Mixin VideoOptions video;

    @Mixin ThreadsOption threads;
    @Mixin PrecisionOption precision;

    @Mixin SparkOptions spark;

    @Override
    public Integer call() throws Exception {
        spark.requireMasterForOptions();
        if (spark.enabled()) {
            return extractOnSpark();
        }
        // Before any work: the feature file and the lists written beside it.
        OutputFolder.checkFile(out, overwrite, Npz::writtenByEcrl4j, "FEATURES.npz", sibling(out, ".classes.txt"),
                sibling(out, ".skipped.txt"));
        threads.apply();
        precision.apply();
        BackboneSpec spec = BackboneSpec.parse(backbone);
        SplitOptions splitOptions = video.split(SplitOptions.PAPER);
        int frames = video.frames(spec);
        int size = video.size(spec);
        VideoFeatures.Settings settings = new VideoFeatures.Settings(frames, size, splitOptions);
        List<VideoSample> all = DatasetReaders.read(data);
        List<String> classes = DatasetReaders.classes(data, all);
        List<VideoSample> samples = ofSplit(all);
        try (NDManager manager = NDManager.newBaseManager()) {
            Encoders encoders = Encoders.create(spec, EncoderSharing.SHARED, manager,
                    new ClipShape(frames, size, size), false, seed);
            for (VideoEncoder e : encoders.distinct()) {
                e.setTrainable(false);
            }
            encoders.video().contract().ifPresent(c -> System.err.println("input contract from " + c.file() + ": "
                    + c.summary()));
            System.err.printf("extracting %d videos with %s (T=%d, %dx%d, saliency %s, crop %s, fg-mask %s)%n",
                    samples.size(), encoders.video().describe(), frames, size, size, video.saliency,
                    splitOptions.crop().name().toLowerCase(java.util.Locale.ROOT), splitOptions.foregroundMask() ? "on" : "off");
            VideoFeatures.Result r = VideoFeatures.extractAll(samples, classes, encoders, manager, video.saliency,
                    settings, video.workers(), System.err::println);
            if (r.samples().isEmpty()) {
                throw new IllegalArgumentException("No video of " + data + " could be read (" + r.failures().size()
                        + " skipped, first: " + r.failures().get(0).video() + ": " + r.failures().get(0).reason() + ")");
            }
            r.features().save(out);
            AtomicFiles.writeString(sibling(out, ".classes.txt"), String.join("\n", classes) + "\n");
            StringBuilder skipped = new StringBuilder();
            for (DatasetMapper.Failure f : r.failures()) {
                skipped.append(f.video()).append('\t').append(f.reason()).append('\n');
            }
            Path skippedFile = sibling(out, ".skipped.txt");
            if (!r.failures().isEmpty()) {
                AtomicFiles.writeString(skippedFile, skipped.toString());
            } else {
                java.nio.file.Files.deleteIfExists(skippedFile);
            }
            System.out.printf("wrote %s: %d videos (T=%d, d=%d), %d classes%s%n", out, r.features().count(),
                    r.features().frames(), r.features().width(), classes.size(),
                    r.failures().isEmpty() ? "" : "; " + r.failures().size() + " skipped, listed in " + skippedFile);
        }
        return 0;
    }

    /** {@code --spark}: the same per-video pipeline as tasks of a Spark job, into a Parquet folder. */
    private int extractOnSpark() throws Exception {
        threads.apply();
        precision.apply();
        SplitOptions splitOptions = video.split(SplitOptions.PAPER);
        List<VideoSample> all = DatasetReaders.read(data);
        List<String> classes = DatasetReaders.classes(data, all);
        List<VideoSample> samples = ofSplit(all);
        BackboneSpec spec = BackboneSpec.parse(backbone); // a bad spec or sidecar fails here, not on the executors
        return spark.extract(SparkOptions.baseOf(data), samples, classes, backbone, seed,
                new VideoFeatures.Settings(video.frames(spec), video.size(spec), splitOptions), video.saliency,
                threads.threads, out, overwrite);
    }

    /** The videos of --split (all without it); refuses none. */
    private List<VideoSample> ofSplit(List<VideoSample> all) {
        List<VideoSample> samples = new ArrayList<>();
        for (VideoSample s : all) {
            if (split == null || DatasetReaders.normalizeSplit(s.split()).equals(DatasetReaders.normalizeSplit(split))) {
                samples.add(s);
            }
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException(data + " has no video" + (split == null ? "" : " in split '" + split + "'"));
        }
        return samples;
    }

    /** FEATURES.npz -> FEATURES + suffix. */
    static Path sibling(Path npz, String suffix) {
        String name = npz.getFileName().toString().replaceFirst("\\.npz$", "");
        return npz.resolveSibling(name + suffix);
    }
}
