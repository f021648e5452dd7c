package org.ecrl4j.cli;

import picocli.CommandLine;

/** Entry point of the {@code ecrl4j} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(EcrlCommand.commandLine().execute(args));
    }
}
