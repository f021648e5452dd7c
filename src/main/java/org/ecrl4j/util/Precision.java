package org.ecrl4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The number format of the matrix work (linear layers, attention products, dictionary
 * projections). {@link #FP32} everywhere, or {@link #BF16}: those products take bfloat16 operands
 * and return float32, as {@code torch.autocast("cpu", dtype=torch.bfloat16)} does; parameters
 * (the master weights), softmax, sums, normalisation and the loss stay float32, and the gradients
 * reach the float32 parameters through the casts. bf16 is fast only on CPUs that have bf16
 * dot-product instructions (AVX512-BF16 or AMX); elsewhere libtorch emulates it, slower than fp32.
 */
public enum Precision {
    FP32,
    BF16;

    /** The CPU flags (from /proc/cpuinfo) that give bf16 matrix products in hardware. */
    public static final Set<String> BF16_FLAGS = Set.of("avx512_bf16", "amx_bf16");

    /** A precision and why it was chosen (printed by the commands). */
    public record Choice(Precision precision, String reason) {
        /** One line for the logs: {@code precision bf16 (auto: the CPU has avx512_bf16)}. */
        public String describe() {
            return "precision " + precision.label() + " (" + reason + ")";
        }
    }

    /**
     * The system property that gives a JVM its {@link #processDefault} at start ({@code fp32} or
     * {@code bf16}): how a Spark executor in a JVM of its own learns the driver's {@code --precision}.
     */
    public static final String PROPERTY = "ecrl4j.precision";

    private static volatile Precision processDefault = fromProperty(System.getProperty(PROPERTY));

    /** The precision a {@link #PROPERTY} value names: bf16 for {@code bf16}, else fp32 (also when unset). */
    static Precision fromProperty(String value) {
        return "bf16".equalsIgnoreCase(value == null ? "" : value.trim()) ? BF16 : FP32;
    }

    /** fp32 or bf16, as the command line writes it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Resolves {@code fp32}, {@code bf16} or {@code auto} (bf16 when the CPU has one of
     * {@link #BF16_FLAGS}, else fp32) against the given CPU flags.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Choice choose(String requested, Set<String> cpuFlags) {
        String r = requested == null ? "" : requested.trim().toLowerCase(Locale.ROOT);
        Set<String> have = new TreeSet<>(cpuFlags);
        have.retainAll(BF16_FLAGS);
        switch (r) {
            case "fp32":
                return new Choice(FP32, "requested");
            case "bf16":
                return new Choice(BF16, have.isEmpty()
                        ? "requested; this CPU has no avx512_bf16/amx_bf16, so libtorch emulates bf16 (slower than fp32)"
                        : "requested; the CPU has " + String.join(", ", have));
            case "auto":
                return have.isEmpty()
                        ? new Choice(FP32, "auto: the CPU has neither avx512_bf16 nor amx_bf16")
                        : new Choice(BF16, "auto: the CPU has " + String.join(", ", have));
            default:
                throw new IllegalArgumentException("--precision must be fp32, bf16 or auto, got '" + requested + "'");
        }
    }

    /** {@link #choose(String, Set)} against this machine's CPU flags. */
    public static Choice choose(String requested) {
        return choose(requested, cpuFlags());
    }

    /** The flags of the first processor in /proc/cpuinfo; empty where that file is missing (not Linux). */
    public static Set<String> cpuFlags() {
        Path info = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(info)) {
                for (String line : Files.readAllLines(info)) {
                    if (line.startsWith("flags")) {
                        int colon = line.indexOf(':');
                        return Set.of(line.substring(colon + 1).trim().split("\\s+"));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
        return Set.of();
    }

    /**
     * Sets the precision that heads and TorchScript backbones built or loaded from now on use (the
     * commands' {@code --precision}; like {@code --threads}, an engine setting of the process).
     */
    public static void useByDefault(Precision precision) {
        processDefault = precision;
    }

    /** The precision of heads and backbones built now: fp32 unless {@link #useByDefault} said otherwise. */
    public static Precision processDefault() {
        return processDefault;
    }
}
