package org.ecrl4j.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ecrl4j.data.Npy;
import org.ecrl4j.data.NpyArray;
import org.ecrl4j.nn.backbone.BackboneException;
import org.ecrl4j.nn.backbone.BackboneSpec;
import org.ecrl4j.nn.backbone.ClipShape;
import org.ecrl4j.nn.backbone.VideoEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Checks a backbone against the encoder contract: loads it, runs a clip through it, prints the
 * feature width and the time per clip, and with {@code --input}/{@code --expected} compares its
 * output with the one PyTorch computed (the check of README, "Backbones").
 */
@Command(name = "backbone", mixinStandardHelpOptions = true,
        description = "Check a backbone against the encoder contract (B,3,T,H,W) -> (B,T,d): load it, run a clip,"
                + " print d and the time per clip; with --input and --expected, compare with PyTorch's output.")
public final class BackboneCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--backbone", defaultValue = BackboneSpec.DEFAULT,
            description = "builtin or torchscript:PATH (default: ${DEFAULT-VALUE}).")
    String backbone;

    @Option(names = "--frames", description = "T of the test clip (default: the backbone's sidecar NAME.json, else 8).")
    Integer frames;

    @Option(names = "--size",
            description = "Frame side H = W of the test clip (default: the backbone's sidecar NAME.json, else 112).")
    Integer size;

    @Option(names = "--input", description = "A (B,3,T,H,W) float32 .npy clip to run instead of a random one.")
    Path input;

    @Option(names = "--expected", description = "The (B,T,d) .npy output PyTorch computed for --input.")
    Path expected;

    @Option(names = "--tolerance", defaultValue = "1e-5",
            description = "Largest absolute difference allowed against --expected (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random clip and built-in weights"
            + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        BackboneSpec backboneSpec;
        try {
            backboneSpec = BackboneSpec.parse(backbone);
        } catch (BackboneException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (expected != null && input == null) {
            throw new ParameterException(spec.commandLine(), "--expected needs --input (the clip it was computed for)");
        }
        if (!(tolerance >= 0)) {
            throw new ParameterException(spec.commandLine(), "--tolerance must be >= 0, got " + tolerance);
        }
        PrintWriter out = spec.commandLine().getOut();
        java.util.Optional<org.ecrl4j.nn.backbone.BackboneContract> contract = backboneSpec.contract();
        int t = VideoOptions.frames(backboneSpec, frames);
        int side = VideoOptions.size(backboneSpec, size);
        contract.ifPresent(c -> out.println("input contract from " + c.file() + ": " + c.summary()));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray clip = input == null ? null : Npy.read(input).toNDArray(manager);
            if (clip == null) {
                ClipShape shape;
                try {
                    shape = new ClipShape(t, side, side);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage());
                }
                Engine.getInstance().setRandomSeed((int) seed);
                clip = manager.randomNormal(new Shape(1, 3, shape.frames(), shape.height(), shape.width()));
            } else if (clip.getShape().dimension() != 5 || clip.getShape().get(1) != 3) {
                throw new IllegalArgumentException(input + ": expected a clip of shape (B, 3, T, H, W), got "
                        + clip.getShape() + "; save the example input of torch.jit.trace with numpy.save");
            }
            Shape in = clip.getShape();
            ClipShape probe = new ClipShape((int) in.get(2), (int) in.get(3), (int) in.get(4));
            VideoEncoder encoder = backboneSpec.create(manager, probe, false, seed);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray features = encoder.encode(ps, clip, false);
            int reps = 10;
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray c = clip.duplicate();
                    c.attach(step);
                    encoder.encode(new ParameterStore(step, false), c, false).toFloatArray();
                }
            }
            double msPerClip = (System.nanoTime() - t0) / 1e6 / reps / in.get(0);
            out.printf(Locale.ROOT, "ok: %s maps %s to %s (d = %d), %.1f ms per clip on %s%n", encoder.describe(), in,
                    features.getShape(), encoder.featureWidth(), msPerClip, manager.getDevice());
            if (expected != null) {
                compare(features, Npy.read(expected), out);
            }
            out.flush();
        }
        return 0;
    }

    private void compare(NDArray features, NpyArray reference, PrintWriter out) {
        long[] shape = features.getShape().getShape();
        if (!Arrays.equals(shape, reference.shape())) {
            throw new IllegalArgumentException(expected + ": shape " + Arrays.toString(reference.shape())
                    + " but the backbone returned " + Arrays.toString(shape) + " for " + input
                    + "; save the output of the traced model for that same input");
        }
        float[] a = features.toFloatArray();
        float[] b = reference.toFloatArray();
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        if (!(worst <= tolerance)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: largest difference %.3g > tolerance %.3g;"
                    + " the backbone does not reproduce PyTorch's output (was it traced in eval() mode, and is"
                    + " --input the example it was run on?)", expected, worst, tolerance));
        }
        out.printf(Locale.ROOT, "matches %s: largest difference %.3g <= %.3g%n", expected, worst, tolerance);
    }
}
