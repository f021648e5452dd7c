package org.ecrl4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.pipeline.Demo;
import org.ecrl4j.report.DemoIndex;
import org.ecrl4j.report.RunReport;
import org.ecrl4j.train.TrainOptions;
import org.ecrl4j.util.OutputFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the built-in benchmark end to end. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate the Confounded Events benchmark, train ceiling, base, ecrl and ecrl-plus on it",
            "with motion saliency, evaluate every test split and print the bias metrics (metrics.json in --out)."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--overwrite", description = "replace the ecrl4j output already in --out")
    boolean overwrite;

    @Mixin ExperimentOptions experiment = new ExperimentOptions();

    @Mixin AugmentOptions augment = new AugmentOptions();

    @Option(names = "--preset", defaultValue = "default", paramLabel = "default|hard",
            description = "the benchmark: default (48x48, still camera) or hard (64x64, camera motion, distractors,"
                    + " a swaying and flickering background, occlusion, several speeds; saliency learned: motion-compensated"
                    + " maps refined by a net trained on the train masks, unless --saliency is given; --saliency learned"
                    + " also works on the default preset) (default: ${DEFAULT-VALUE})")
    String preset;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--stage2-epochs", defaultValue = "0", paramLabel = "E",
            description = "train ecrl and ecrl-plus end to end (encoder and head) for E epochs in stage 2;"
                    + " 0: heads on the frozen stage-1 features (default: ${DEFAULT-VALUE})")
    int stage2Epochs;

    @Option(names = "--encoder-lr-scale", defaultValue = "0.1", paramLabel = "X",
            description = "stage 2 end to end: encoder learning rate = X * head learning rate (default: ${DEFAULT-VALUE})")
    double encoderLrScale;

    @Option(names = "--ecrl-encoders", defaultValue = "separate", paramLabel = "separate|shared",
            description = "ecrl's encoders: separate (the paper: M_s and M_c trained on their own stream in stage 1,"
                    + " M_v is base's) or shared (base's encoder for V, S and C) (default: ${DEFAULT-VALUE})")
    EncoderSharing ecrlEncoders;

    @Option(names = "--models", split = ",", paramLabel = "M",
            description = "train only these of ceiling, base, ecrl, ecrl-plus (default: all)")
    List<String> models;

    @Option(names = "--swap", defaultValue = "1.0", paramLabel = "P", description = "background swap probability of ecrl-plus (default: ${DEFAULT-VALUE})")
    double swap;

    @Option(names = "--threads", defaultValue = "2", paramLabel = "N",
            description = "cores to use (default: ${DEFAULT-VALUE}, both cores of a 2-core machine): decoding"
                    + " workers, and stage-1 encoders trained side by side unless --parallel-encoders says otherwise;"
                    + " every model trains on one libtorch thread, so the results do not depend on it")
    int threads;

    @picocli.CommandLine.Mixin PrecisionOption precision;

    @Option(names = "--parallel-encoders", paramLabel = "N",
            description = "stage-1 encoders trained side by side, the next seed's while the heads of a seed train"
                    + " (1: one after the other, each seed's when its heads need them); the results are the same"
                    + " for every N (default: --threads)")
    Integer parallelEncoders;

    @Override
    public Integer call() throws Exception {
        ThreadsOption.apply(threads);
        precision.apply();
        List<Long> seedList = experiment.seedList();
        TrainOptions head = experiment.head();
        org.ecrl4j.synth.SynthConfig benchmark;
        try {
            benchmark = org.ecrl4j.synth.SynthConfig.preset(preset, 1);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--preset: " + e.getMessage());
        }
        // The hard preset's camera moves and distractors move: its saliency is the learned one (motion-compensated
        // maps refined by a net trained on the train split's masks; chosen over motion-compensated on val, val-swap
        // and val-static, docs/BENCHMARK.md) unless asked otherwise.
        String saliency = !benchmark.hardness().none() && !spec.commandLine().getParseResult().hasMatchedOption("--saliency")
                ? Demo.LEARNED : experiment.saliency;
        Demo.Options options = new Demo.Options(out, seedList, benchmark, 8, saliency,
                experiment.stage1(), head, swap, 2,
                List.of(16, 32, 64), stage2Epochs > 0 ? head.withEpochs(stage2Epochs) : null, encoderLrScale,
                ecrlEncoders, models, EcrlCommand.codeVersion(), augment.augmentation());
        OutputFolder folder = OutputFolder.open(out, "demo", overwrite, false, false);
        // The demo writes the evidence of its first seed's ECRL run; the report renders it.
        Map<String, Object> metrics = folder.run(() -> {
            int workers = parallelEncoders != null ? parallelEncoders : threads;
            Map<String, Object> m = new Demo(options, System.err, RunReport::write).stage1Workers(workers)
                    .run();
            long t = System.nanoTime();
            m.put("overview", writeOverview(out).toAbsolutePath().toString());
            // The overview's time joins the profile; metrics.json is written again with it.
            @SuppressWarnings("unchecked")
            Map<String, Double> timings = (Map<String, Double>) m.get("timings");
            timings.put("overview page", (System.nanoTime() - t) / 1e9);
            m.put("seconds", (Double) m.get("seconds") + timings.get("overview page"));
            org.ecrl4j.util.AtomicFiles.writeString(out.resolve("metrics.json"),
                    org.ecrl4j.train.RunFolder.json().writeValueAsString(m));
            return m;
        }, dir -> false);
        printTable(metrics);
        System.out.println("metrics written to " + out.resolve("metrics.json"));
        if (metrics.get("report") != null) {
            System.out.println("report: " + metrics.get("report"));
        }
        System.out.println("overview of the models: " + metrics.get("overview"));
        return 0;
    }

    /**
     * Renders the report of every model run folder the demo wrote that has none yet, then the demo's
     * front page {@code out/index.html} ({@link DemoIndex}), which links to them.
     */
    public static Path writeOverview(Path out) throws java.io.IOException {
        for (String model : Demo.MODELS) {
            Path run = runOf(out, model);
            if (java.nio.file.Files.isRegularFile(run.resolve(org.ecrl4j.train.RunFolder.CONFIG_FILE))
                    && !java.nio.file.Files.isRegularFile(run.resolve(RunReport.FOLDER).resolve(RunReport.INDEX))) {
                RunReport.write(run);
            }
        }
        return DemoIndex.write(out, model -> out.relativize(runOf(out, model).resolve(RunReport.FOLDER)
                .resolve(RunReport.INDEX)));
    }

    private static Path runOf(Path out, String model) {
        return out.resolve("runs").resolve(model);
    }

    @SuppressWarnings("unchecked")
    static void printTable(Map<String, Object> metrics) {
        Map<String, Object> models = (Map<String, Object>) metrics.get("models");
        double chance = (Double) metrics.get("chance");
        System.out.printf(Locale.ROOT, "%n%-10s %12s %12s %12s %12s %12s %12s %12s %10s %10s %10s %10s %10s %10s%n",
                "model", "val", "val-swap", "val-static", "iid", "bg-shift", "obj-shift", "bg-only", "bias gap", "obj gap",
                "static", "contrasted", "follows", "static-n");
        for (var e : models.entrySet()) {
            Map<String, Object> m = (Map<String, Object>) e.getValue();
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s", e.getKey()));
            for (String split : Demo.EVAL_SPLITS) {
                Map<String, Object> s = (Map<String, Object>) m.get(split);
                sb.append(String.format(Locale.ROOT, " %6.3f±%.3f", (Double) s.get("acc1"), (Double) s.get("acc1_std")));
            }
            sb.append(String.format(Locale.ROOT, " %10.3f %10.3f %10.3f", (Double) m.get("bias_gap"),
                    (Double) m.get("object_gap"), (Double) m.get("static_bias")));
            for (String k : List.of("contrasted_accuracy", "follows_actor_rate", "static_bias_normalised")) {
                sb.append(m.get(k) == null ? String.format(Locale.ROOT, " %10s", "-")
                        : String.format(Locale.ROOT, " %10.3f", (Double) m.get(k)));
            }
            System.out.println(sb);
        }
        System.out.printf(Locale.ROOT, "chance %.3f (Acc@1; static bias of an unbiased model = chance); contrasted ="
                + " contrasted accuracy, follows = follows-actor rate, static-n = chance-normalised static bias"
                + " (README, \"Bias metrics\")%n", chance);
        System.out.printf(Locale.ROOT, "total %.0f s%n", (Double) metrics.get("seconds"));
        if (metrics.get("timings") != null) {
            org.ecrl4j.pipeline.PhaseTimes.print((Map<String, Double>) metrics.get("timings"),
                    (Double) metrics.get("seconds"), System.out);
        }
    }
}
