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
