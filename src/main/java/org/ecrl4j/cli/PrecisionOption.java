package org.ecrl4j.cli;

import java.io.PrintWriter;
import org.ecrl4j.util.Precision;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --precision fp32|bf16|auto}: the number format of the head's matrix work and of
 * TorchScript backbones' forwards ({@link Precision}). {@code auto} picks bf16 when the CPU has
 * avx512_bf16 or amx_bf16 and fp32 otherwise. Like {@code --threads}, an engine setting of the
 * process: apply it before building or loading a model.
 */
public final class PrecisionOption {
    @Spec(Spec.Target.MIXEE) CommandSpec spec;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "P",
            description = "fp32, bf16 or auto: matrix work (linear layers, attention, TorchScript backbones) in"
                    + " float32 or bfloat16 with float32 weights and softmax; auto = bf16 when the CPU has"
                    + " avx512_bf16 or amx_bf16 (default: ${DEFAULT-VALUE}; see docs/PERFORMANCE.md)")
    String precision;

    /**
     * Resolves the option and makes it the process default; unless it is the default fp32, says on
     * stderr what was chosen and why (the default stays silent, so that an error stays one line).
     */
    public Precision.Choice apply() {
        Precision.Choice c = resolve(spec, precision);
        Precision.useByDefault(c.precision());
        if (!"fp32".equalsIgnoreCase(precision.trim())) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(spec.name() + ": " + c.describe());
            err.flush();
        }
        return c;
    }

    /** The choice for {@code value}, or a usage error naming the accepted values. */
    static Precision.Choice resolve(CommandSpec spec, String value) {
        try {
            return Precision.choose(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
