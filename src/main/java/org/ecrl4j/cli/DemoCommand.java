package org.ecrl4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Runs the built-in benchmark end to end. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate the Confounded Events benchmark, train and compare models.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("The demo is not built yet: it arrives with the end-to-end work (issue 5).");
        return 0;
    }
}
