package org.ecrl4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ecrl4j bench SUBCOMMAND}: the project's measurements, one subcommand each. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the speed of parts of the pipeline.",
        subcommands = {BenchIngestCommand.class, BenchHeadCommand.class, BenchExtractCommand.class})
public final class BenchCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: bench takes one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
