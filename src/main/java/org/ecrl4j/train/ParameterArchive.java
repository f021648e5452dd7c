package org.ecrl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.ecrl4j.data.NpyArray;
import org.ecrl4j.data.Npz;

/**
 * A head's parameters as a {@code .npz} named by block, for tools outside ecrl4j (the PyTorch
 * reference {@code tools/reference/ecrl_head.py} reads it). A name is the path of block names from
 * the head down, joined by dots, then the parameter's own name: {@code video_fc.weight},
 * {@code fcm.tsc.position}, {@code backdoor.wa.bias}, {@code glca.global_dictionary},
 * {@code glca.local.wh_value.weight}. Linear weights are (out, in), as {@code torch.nn.Linear}
 * holds them; every array is float32.
 */
public final class ParameterArchive {
    private ParameterArchive() {}

    /** Every parameter of {@code block} by its dotted name, in the order of the parameter files. */
    public static Map<String, Parameter> named(Block block) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect(block, "", out);
        return out;
    }

    private static void collect(Block block, String prefix, Map<String, Parameter> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.put(prefix + p.getKey(), p.getValue());
        }
        for (Pair<String, Block> child : block.getChildren()) {
            // DJL numbers child blocks ("01video_fc"); the name is what follows the number.
            collect(child.getValue(), prefix + child.getKey().replaceFirst("^\\d+", "") + ".", out);
        }
    }

    /** Writes every initialised parameter of {@code block} to {@code file} (atomically). */
    public static void write(Block block, Path file) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : named(block).entrySet()) {
            NDArray a = e.getValue().getArray();
            arrays.put(e.getKey(), NpyArray.ofFloats(a.toFloatArray(), a.getShape().getShape()));
        }
        Npz.write(file, arrays, false);
    }

    /**
     * Sets the parameters of {@code block} from a file written by {@link #write} (or by any tool
     * using the same names), leaving those {@code skip} names untouched.
     *
     * @throws IOException naming the file and the parameter when one is missing or has another shape
     */
    public static void read(Block block, Path file, Predicate<String> skip) throws IOException {
        Map<String, NpyArray> arrays = Npz.read(file);
        for (Map.Entry<String, Parameter> e : named(block).entrySet()) {
            if (skip.test(e.getKey())) {
                continue;
            }
            NpyArray a = arrays.get(e.getKey());
            NDArray target = e.getValue().getArray();
            if (a == null) {
                throw new IOException(file + " has no parameter " + e.getKey() + "; export it again from the same"
                        + " configuration");
            }
            if (!java.util.Arrays.equals(a.shape(), target.getShape().getShape())) {
                throw new IOException(file + ": parameter " + e.getKey() + " has shape "
                        + java.util.Arrays.toString(a.shape()) + " but the head expects " + target.getShape()
                        + "; export it again from the same configuration and sizes");
            }
            target.set(a.toFloatArray());
        }
    }
}
