package org.ecrl4j.nn;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import org.ecrl4j.nn.backbone.ModuleMethods;

/**
 * The bfloat16 products of the head ({@link org.ecrl4j.util.Precision#BF16}): float32 in, bfloat16
 * product inside libtorch, float32 out, as {@code torch.autocast("cpu", dtype=torch.bfloat16)}
 * treats linear layers and matrix products.
 *
 * <p>DJL 0.36's native layer has no code for the bfloat16 type: {@code NDArray.toType(BFLOAT16)}
 * aborts the process. The casts therefore run inside a tiny TorchScript module, the resource
 * {@code bf16_ops.pt} written by {@code tools/make_bf16_ops.py}, whose methods {@code linear},
 * {@code linear_nobias} and {@code matmul} each do cast, product and cast back in one engine call.
 * With autograd on (training) the casts are recorded, so gradients reach the float32 parameters.
 */
final class Bf16Ops {
    private static final String RESOURCE = "bf16_ops.pt";

    private final PtSymbolBlock module;

    private Bf16Ops() {
        PtNDManager manager = (PtNDManager) NDManager.newBaseManager();
        try (InputStream in = Bf16Ops.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The jar lacks org/ecrl4j/nn/" + RESOURCE + "; rebuild it (mvn package)");
            }
            module = JniUtils.loadModule(manager, in, true, false);
            ModuleMethods.check();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot load the bf16 products (" + e.getMessage() + "); use --precision fp32",
                    e);
        }
    }

    private static final class Holder {
        static final Bf16Ops INSTANCE = new Bf16Ops();
    }

    static Bf16Ops get() {
        return Holder.INSTANCE;
    }

    /** x W^T + b with bf16 operands (b may be null); float32, in x's manager. */
    NDArray linear(NDArray x, NDArray w, NDArray b, boolean training) {
        return b == null ? run("linear_nobias", training, x, w) : run("linear", training, x, w, b);
    }

    /** a × b with bf16 operands; float32, in a's manager. */
    NDArray matMul(NDArray a, NDArray b, boolean training) {
        return run("matmul", training, a, b);
    }

    /**
     * Runs a method with autograd on when {@code grad} (DJL's own call turns it off), off
     * otherwise.
     */
    private NDArray run(String method, boolean grad, NDArray... inputs) {
        try {
            return ModuleMethods.run(module, method, grad, inputs);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException r ? r : new EngineException(method + " (bf16) failed", c);
        } catch (ModuleMethods.UnavailableException e) {
            throw new EngineException("cannot run the bf16 " + method + " in this DJL version", e);
        }
    }
}
