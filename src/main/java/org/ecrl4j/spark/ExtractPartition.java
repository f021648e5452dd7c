package org.ecrl4j.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.Function;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.pipeline.DatasetMapper;
import org.ecrl4j.pipeline.VideoFeatures;
import org.ecrl4j.saliency.SaliencyMethod;
import org.ecrl4j.saliency.SaliencyMethods;

/**
 * One Spark task, writing its partition's Parquet file ({@link PartitionFiles}): the videos of one partition through the single-process pipeline ({@link
 * VideoFeatures#of} over {@link DatasetMapper}, as many decoding threads as the task has
 * cores, {@code spark.task.cpus}, which libtorch uses too). A video that fails becomes a row of status {@code skipped} with the reason; it never
 * fails the task.
 */
final class ExtractPartition implements Function<ArrayList<SparkJobs.Item>, PartSummary> {
    private static final long serialVersionUID = 1L;
    private final SparkJobs.Spec spec;
    private final String out;

    ExtractPartition(SparkJobs.Spec spec, String out) {
        this.spec = spec;
        this.out = out;
    }

    @Override
    public PartSummary call(ArrayList<SparkJobs.Item> items) throws java.io.IOException {
        long t0 = System.nanoTime();
        ExecutorEncoders.Loaded loaded = ExecutorEncoders.get(spec);
        long t1 = System.nanoTime();
        VideoFeatures.Settings settings = spec.settings();
        List<VideoSample> samples = new ArrayList<>(items.size());
        for (SparkJobs.Item it : items) {
            samples.add(it.sample(Path.of(it.path())));
        }
        int part = items.get(0).part();
        DatasetMapper.Result<VideoFeatures.Streams> r = DatasetMapper.map(samples,
                new DatasetMapper.Options(spec.threads(), "partition " + part + ": extracted", 4, Integer.MAX_VALUE,
                        DatasetMapper.Shard.ALL),
                () -> SaliencyMethods.create(spec.saliency()), SaliencyMethod::close, (s, k, method) -> {
                    SparkJobs.Item it = items.get(k);
                    if (it.labelIndex() < 0) {
                        throw new IllegalArgumentException("label " + org.ecrl4j.data.AnnotationException.quote(
                                it.label()) + " is not one of the " + spec.classes().size() + " classes "
                                + spec.classes());
                    }
                    try (VideoFiles.Local local = VideoFiles.fetch(it)) {
                        try {
                            return VideoFeatures.of(it.sample(local.file()), loaded.encoders(), loaded.manager(), method,
                                    settings);
                        } catch (RuntimeException e) {
                            throw new IllegalStateException(local.named(e.getMessage(), it.path()), e);
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e.getMessage(), e);
                    }
                }, System.err::println);
        Map<Path, String> reasons = new HashMap<>();
        for (DatasetMapper.Failure f : r.failures()) {
            reasons.put(f.video(), f.reason());
        }
        List<PartitionFiles.Row> rows = new ArrayList<>(items.size());
        ArrayList<String> skipped = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            SparkJobs.Item it = items.get(k);
            VideoFeatures.Streams f = r.outputs().get(k);
            if (f != null) {
                rows.add(new PartitionFiles.Row(it.part(), it.position(), it.path(), it.label(), it.labelIndex(),
                        it.split(), Rows.OK, null, f.frames(), f.width(), f.video(), f.foreground(), f.background()));
            } else {
                String reason = reasons.getOrDefault(samples.get(k).path(), "failed");
                rows.add(new PartitionFiles.Row(it.part(), it.position(), it.path(), it.label(), it.labelIndex(),
                        it.split(), Rows.SKIPPED, reason, 0, 0, null, null, null));
                skipped.add(it.path() + ": " + reason);
            }
        }
        long t2 = System.nanoTime();
        PartitionFiles.write(out, part, rows);
        System.err.printf(java.util.Locale.ROOT, "partition %d: %d videos in %.1f s (backbone %.1f s, videos %.1f s,"
                + " Parquet %.1f s)%n", part, rows.size(), (System.nanoTime() - t0) / 1e9, (t1 - t0) / 1e9,
                (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
        return new PartSummary(part, rows.size() - skipped.size(), skipped);
    }
}
