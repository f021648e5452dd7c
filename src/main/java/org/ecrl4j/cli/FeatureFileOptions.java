package org.ecrl4j.cli;

import java.util.Locale;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.data.Npz;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --max-array-bytes}: the largest array a command accepts from a feature file, checked
 * against each array's declared shape x item size before anything is allocated. Shared by
 * every command that reads feature files.
 */
public final class FeatureFileOptions {
    @Option(names = "--max-array-bytes", paramLabel = "BYTES", converter = ByteCount.class,
            description = "refuse a feature-file array declaring more than BYTES (suffix k, m, g allowed), before"
                    + " reading it (default: a quarter of the maximum heap)")
    Long maxArrayBytes;

    /** The limits to read feature files with (classes not known). */
    public FeatureSet.Limits limits() {
        return new FeatureSet.Limits(maxArrayBytes == null ? Npz.defaultMaxArrayBytes() : maxArrayBytes, 0);
    }

    /**
     * A feature file, or the Parquet folder of {@code extract --spark} (its rows of status ok, in
     * annotation order, streamed into the arrays through Spark in this JVM).
     */
    static FeatureSet load(java.nio.file.Path path, FeatureSet.Limits limits) throws java.io.IOException {
        if (!org.ecrl4j.pipeline.ClusterJobs.isExtractionFolder(path)) {
            return FeatureSet.load(path, limits);
        }
        FeatureSet f = org.ecrl4j.pipeline.ClusterJobs.spark().readFeatures(path, limits.maxArrayBytes());
        if (limits.classes() > 0 && f.classesSeen() > limits.classes()) {
            throw new IllegalArgumentException(path + ": labels go up to " + (f.classesSeen() - 1) + " but --classes is "
                    + limits.classes());
        }
        return f;
    }

    /** Reads 123, 64k, 512m, 2g (powers of 1024). */
    static final class ByteCount implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            long unit = 1;
            if (!v.isEmpty() && "kmg".indexOf(v.charAt(v.length() - 1)) >= 0) {
                unit = 1L << (10 * ("kmg".indexOf(v.charAt(v.length() - 1)) + 1));
                v = v.substring(0, v.length() - 1);
            }
            try {
                long n = Math.multiplyExact(Long.parseLong(v), unit);
                if (n < 1) {
                    throw new CommandLine.TypeConversionException("'" + value + "' must be at least 1 byte");
                }
                return n;
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a byte count (e.g. 1073741824,"
                        + " 512m, 2g)");
            }
        }
    }
}
