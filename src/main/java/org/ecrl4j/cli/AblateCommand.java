package org.ecrl4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.pipeline.Ablation;
import org.ecrl4j.recipe.Recipes;
import org.ecrl4j.synth.BenchmarkWriter;
import org.ecrl4j.util.OutputFolder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Trains the rows of an ablation table over several seeds and writes it as Markdown and CSV. */
@Command(name = "ablate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train the rows of the paper's Table 3, 4 or 5 (or the product table 'plus') over several seeds",
            "and write DIR/table-<t>.md and DIR/table-<t>.csv: mean and std of Acc@1 and Acc@5 per test split."})
public final class AblateCommand implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "PATH",
            description = "benchmark folder (with annotations.csv) or annotation file")
    Path data;

    @Option(names = "--table", required = true, paramLabel = "T", description = "3, 4, 5 or plus")
    String table;

    @Option(names = "--out", defaultValue = "ablate-out", paramLabel = "DIR", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--overwrite", description = "replace the ecrl4j output already in --out")
    boolean overwrite;

    @Mixin ExperimentOptions experiment = new ExperimentOptions();

    @Option(names = "--frames", defaultValue = "8", paramLabel = "T", description = "frames per video (default: ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--size", defaultValue = "0", paramLabel = "N",
            description = "input size (default: the benchmark's frame size, else 112)")
    int size;

    @Option(names = "--widths", defaultValue = "16,32,64", split = ",", paramLabel = "W",
            description = "channel widths of the built-in backbone (default: ${DEFAULT-VALUE})")
    List<Integer> widths;

    @Option(names = "--encoders", defaultValue = "separate", paramLabel = "separate|shared",
            description = "rows that read S and C on the plain stage 1: separate encoders as in the paper (M_s and M_c"
                    + " trained on their own stream) or the plain classifier's encoder for all (default: ${DEFAULT-VALUE})")
    EncoderSharing encoders;

    @Mixin ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        String t = table.toLowerCase(Locale.ROOT);
        if (!Recipes.TABLES.contains(t)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--table must be one of " + String.join(", ", Recipes.TABLES) + ", got '" + table + "'");
        }
        if (frames < 1 || size < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--frames must be >= 1 and --size >= 0");
        }
        List<Long> seedList;
        try {
            seedList = experiment.seedList();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!Files.exists(data)) {
            throw new IllegalArgumentException("No such file or folder: " + data + "; pass a benchmark folder or annotation file to --data");
        }
        threads.apply();
        Ablation.Options options = new Ablation.Options(data, out, t, seedList, frames, size > 0 ? size : benchmarkSize(data),
                experiment.saliency, experiment.stage1(), experiment.head(), 2, widths, encoders == EncoderSharing.SEPARATE);
        OutputFolder folder = OutputFolder.open(out, "ablate", overwrite, false, false);
        folder.run(() -> {
            new Ablation(options, System.err).run();
            return null;
        }, dir -> false);
        System.out.println("wrote " + out.resolve("table-" + t + ".md") + " and " + out.resolve("table-" + t + ".csv"));
        return 0;
    }

    /** The frame size recorded in a benchmark folder's benchmark.json, else 112. */
    static int benchmarkSize(Path data) throws IOException {
        Path dir = Files.isDirectory(data) ? data : data.toAbsolutePath().getParent();
        Path params = dir == null ? null : dir.resolve(BenchmarkWriter.PARAMETERS);
        if (params != null && Files.isRegularFile(params)) {
            JsonNode size = new ObjectMapper().readTree(params.toFile()).get("size");
            if (size != null && size.canConvertToInt() && size.asInt() > 0) {
                return size.asInt();
            }
        }
        return 112;
    }
}
