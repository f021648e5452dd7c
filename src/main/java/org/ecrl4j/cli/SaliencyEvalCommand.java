package org.ecrl4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ecrl4j.saliency.CropMode;
import org.ecrl4j.saliency.SaliencyEvaluator;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.util.AtomicFiles;
import org.ecrl4j.util.OutputFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ecrl4j saliency-eval --data DIR}: the mean IoU of each saliency method's foreground mask
 * against the benchmark's ground-truth masks over one split ({@link SaliencyEvaluator}); prints a
 * table, or JSON with {@code --json}, and writes the JSON atomically with {@code --out FILE}.
 */
@Command(name = "saliency-eval", mixinStandardHelpOptions = true,
        description = {"Score saliency methods on a benchmark written by 'ecrl4j synth': mean IoU of the split's",
            "foreground mask (saliency >= --fg-threshold) against the ground-truth object masks.",
            "Frames where both masks are empty are not counted; where only one is, IoU is 0."})
public final class SaliencyEvalCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Folder written by 'ecrl4j synth'.")
    Path data;

    @Option(names = "--split", defaultValue = "iid", description = "Split to score (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--methods", defaultValue = "spectral,fine-grained,motion,oracle", paramLabel = "M,M,...",
            description = "Saliency methods, comma-separated (default ${DEFAULT-VALUE}; also motion-compensated, model:PATH).")
    String methods;

    @Option(names = "--frames", defaultValue = "8", paramLabel = "T",
            description = "Frames per video, segment centres (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--size", defaultValue = "0", paramLabel = "N",
            description = "Input size (square); default: the benchmark's frame size.")
    int size;

    @Option(names = "--fg-threshold", defaultValue = "10",
            description = "Saliency of the foreground mask (default ${DEFAULT-VALUE}).")
    int fgThreshold;

    @Option(names = "--json", description = "Print the result as JSON instead of a table.")
    boolean json;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the result as JSON to FILE (atomically).")
    Path out;

    @Option(names = "--overwrite", description = "Replace --out if it is a result ecrl4j saliency-eval wrote.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        SaliencyEvaluator.Options options;
        try {
            List<String> names = Arrays.stream(methods.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            options = new SaliencyEvaluator.Options(split, names, frames, size,
                    new SplitOptions(200, fgThreshold, CropMode.FRAME, false, 2));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (out != null) {
            OutputFolder.checkFile(out, overwrite, SaliencyEvalCommand::writtenByUs, "RESULT.json");
        }
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SaliencyEvaluator.Evaluation e = SaliencyEvaluator.evaluate(data, options, err);
        if (e.scoredVideos() == 0) {
            throw new IllegalStateException("No video of split '" + split + "' in " + data + " could be scored ("
                    + e.skipped().size() + " skipped, first: " + e.skipped().get(0).reason() + ")");
        }
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String text = mapper.writeValueAsString(e.toJson());
        if (out != null) {
            AtomicFiles.writeString(out, text + "\n");
        }
        if (json) {
            o.println(text);
        } else {
            o.printf(Locale.ROOT, "saliency IoU on %s, split %s: %d of %d videos, %d frames at %dx%d, mask = saliency >= %d%n",
                    data, split, e.scoredVideos(), e.videos(), frames, e.size(), e.size(), fgThreshold);
            o.printf(Locale.ROOT, "%-16s %9s %8s %11s %11s %11s%n", "method", "mean IoU", "frames", "both empty",
                    "truth empty", "pred empty");
            for (SaliencyEvaluator.MethodScore s : e.methods()) {
                o.printf(Locale.ROOT, "%-16s %9s %8d %11d %11d %11d%n", s.method(),
                        Double.isNaN(s.meanIou()) ? "-" : String.format(Locale.ROOT, "%.4f", s.meanIou()), s.counted(),
                        s.bothEmpty(), s.onlyTruthEmpty(), s.onlyPredictedEmpty());
            }
            for (SaliencyEvaluator.Skipped s : e.skipped()) {
                o.printf("skipped %s: %s%n", s.video(), s.reason());
            }
        }
        o.flush();
        return 0;
    }

    /** A result file this command wrote: JSON whose "generator" is {@link SaliencyEvaluator#GENERATOR}. */
    static boolean writtenByUs(Path file) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = new ObjectMapper().readTree(file.toFile());
            return n != null && SaliencyEvaluator.GENERATOR.equals(n.path("generator").asText());
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
