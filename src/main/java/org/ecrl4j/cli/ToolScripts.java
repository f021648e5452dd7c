package org.ecrl4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's Python tools (tools/NAME) that the bench commands run as peers. */
final class ToolScripts {
    private ToolScripts() {}

    /**
     * {@code tools/NAME} of the working folder, else of the project the jar was built in
     * (target/ecrl4j.jar's parent's parent); the working folder's path when neither exists, for the
     * caller to report as missing.
     */
    static Path find(String name) {
        Path local = Path.of("tools", name);
        if (Files.isRegularFile(local)) {
            return local;
        }
        try {
            Path jar = Path.of(ToolScripts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path beside = jar.getParent().getParent().resolve("tools").resolve(name);
            if (Files.isRegularFile(beside)) {
                return beside;
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall through to the working folder's path
        }
        return local;
    }
}
