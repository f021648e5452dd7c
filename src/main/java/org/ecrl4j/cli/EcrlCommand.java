package org.ecrl4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root command. Exit codes: 0 success, 1 failure, 2 bad usage. Each subcommand is one class,
 * registered here.
 */
@Command(
        name = "ecrl4j",
        mixinStandardHelpOptions = true,
        versionProvider = EcrlCommand.Version.class,
        description = "Event-level Causal Representation Learning for video classification.",
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, SynthCommand.class, TrainCommand.class,
            EvalCommand.class, SaliencyCommand.class, SaliencyEvalCommand.class, CheckVideosCommand.class, BenchCommand.class,
            BackboneCommand.class, ReportCommand.class, ExtractCommand.class, PredictCommand.class, AblateCommand.class,
            ExportCommand.class})
public final class EcrlCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** The command line with the project's exit codes and error handling. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new EcrlCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true); // modes are enums: --stage2 joint, --encoders separate, ...
        cl.registerConverter(org.ecrl4j.nn.backbone.EncoderSharing.class, text -> {
            try {
                return org.ecrl4j.nn.backbone.EncoderSharing.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
        cl.setExecutionExceptionHandler(
                (ex, cmd, parsed) -> {
                    java.io.PrintWriter err = cmd.getErr();
                    err.println("error: " + message(ex));
                    if (System.getenv("ECRL4J_DEBUG") != null) {
                        ex.printStackTrace(err);
                    }
                    err.flush();
                    return 1;
                });
        return cl;
    }

    /**
     * The one-line message of a failure. A file-system error's own message is often only the path
     * ("error: /proc/x"), so the reason is added.
     */
    static String message(Exception ex) {
        if (ex instanceof java.nio.file.FileSystemException f && f.getFile() != null
                && String.valueOf(ex.getMessage()).equals(f.getFile())) {
            return f.getFile() + ": " + org.ecrl4j.util.OutputFolder.reason(f);
        }
        return ex.getMessage();
    }

    /** Version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ecrl4j " + codeVersion()};
        }
    }

    /** The code version recorded in provenance. */
    public static String codeVersion() {
        String v = EcrlCommand.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
