package org.ecrl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EcrlCommandTest {
    static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = EcrlCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void unknownSubcommandIsBadUsage() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertEquals(2, run(out, err, "no-such-command"));
        assertTrue(err.toString().contains("no-such-command"), err.toString());
    }

    @Test
    void helpListsDemo() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertEquals(0, run(out, err, "--help"));
        assertTrue(out.toString().contains("demo"), out.toString());
    }
}
