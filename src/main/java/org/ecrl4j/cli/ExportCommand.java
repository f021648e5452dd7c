package org.ecrl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ecrl4j.data.Npz;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.ParameterArchive;
import org.ecrl4j.train.RunFolder;
import org.ecrl4j.util.OutputFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ecrl4j export}: a run's head parameters as a {@code .npz} named by block
 * ({@link ParameterArchive}), what the PyTorch reference {@code tools/reference/ecrl_head.py} and
 * any other outside tool read.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a run's head parameters as a .npz named by block (video_fc.weight, fcm.tsc.position,"
                + " backdoor.wa.bias, glca.global_dictionary, ...), Linear weights (out, in) as in torch.nn.Linear.")
public final class ExportCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN", description = "run folder written by ecrl4j train")
    Path run;

    @Option(names = "--out", required = true, paramLabel = "PARAMS.npz", description = "the file to write (atomically)")
    Path out;

    @Option(names = "--overwrite", description = "replace --out if it is a file ecrl4j wrote")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        OutputFolder.checkFile(out, overwrite, Npz::writtenByEcrl4j, "params.npz");
        RunFolder.RunConfig config = RunFolder.readConfig(run);
        try (HeadModel model = HeadModel.load(run, config.head(), config.shape())) {
            ParameterArchive.write(model.head(), out);
            System.out.println("wrote " + ParameterArchive.named(model.head()).size() + " parameters of "
                    + config.head().name() + " to " + out);
        }
        return 0;
    }
}
