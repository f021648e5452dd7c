package org.ecrl4j.nn.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import org.ecrl4j.util.Precision;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A video encoder imported from a TorchScript file (exported in PyTorch with {@code torch.jit.trace}
 * or {@code torch.jit.script} and saved with {@code torch.jit.save}), run by DJL's PyTorch engine.
 *
 * <p>Input (B, 3, T, H, W) float32; output (B, T, d). The model is probed once when it is loaded,
 * on a zero clip of the size it will be fed ({@link ClipShape}), so that a file that is not a
 * TorchScript archive, or a model that breaks the contract (a wrong rank, a pooled time axis, a
 * tuple of outputs), fails at load time with a message naming the file; every later output is
 * checked again.
 *
 * <p>Frozen by default: the module then runs in evaluation mode (batch norm on running statistics,
 * no dropout) with autograd off, and its outputs are copied into ordinary tensors when the caller
 * is training, so that a trainable head can sit on top. When trainable ({@code --finetune-backbone})
 * it runs in training mode during training and its parameters take gradients.
 *
 * <p>A TorchScript file is a program: loading it runs its code, so load only files you trust. The
 * probe has a time limit ({@value #PROBE_TIMEOUT_PROPERTY} seconds, default
 * {@value #DEFAULT_PROBE_TIMEOUT_SECONDS}); it runs on a daemon thread, because the native call cannot
 * be interrupted: a probe that never returns is abandoned (it keeps one core busy and its module
 * stays in memory until the JVM exits) but does not keep the JVM from exiting.
 *
 * <p>The module lives in the manager given to {@link #load} and is freed when that manager closes.
 */
public final class TorchScriptEncoder extends AbstractBlock implements VideoEncoder {
    private static final byte FORMAT = 1;

    /** The system property giving the load-time probe's time limit in seconds. */
    public static final String PROBE_TIMEOUT_PROPERTY = "ecrl4j.probeTimeoutSeconds";

    /** The load-time probe's time limit when {@value #PROBE_TIMEOUT_PROPERTY} is not set. */
    public static final double DEFAULT_PROBE_TIMEOUT_SECONDS = 60;

    private final Path file;
    private final java.util.Optional<BackboneContract> contract;
    private final PtNDManager manager;
    private PtSymbolBlock module;
    private int width;
    private boolean trainable;
    /** True while the module's tensors were created under inference mode (they cannot take gradients). */
    private boolean inferenceTensors;
    /** The precision asked for (the process default when loaded); bf16 runs only where the file has forward_bf16. */
    private Precision precision = Precision.processDefault();
    /** Files that lacked forward_bf16 when bf16 was asked for, each reported once. */
    private static final java.util.Set<Path> REPORTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The method the export recipe adds for {@code --precision bf16}: a bfloat16 copy of the network. */
    public static final String FORWARD_BF16 = "forward_bf16";

    private TorchScriptEncoder(Path file, PtNDManager manager, PtSymbolBlock module, boolean trainable,
            boolean inferenceTensors) {
        this.file = file;
        this.contract = BackboneContract.besides(file);
        this.manager = manager;
        this.module = module;
        this.trainable = trainable;
        this.inferenceTensors = inferenceTensors;
        module.freezeParameters(!trainable, VideoEncoder::isLearnable);
    }

    /**
     * Loads a TorchScript backbone and probes it.
     *
     * @param manager a PyTorch-engine manager that will own the module
     * @param file the TorchScript archive
     * @param clip the clip size the encoder will be fed (T, H, W), used for the probe
     * @param trainable fine-tune the backbone (else frozen)
     * @throws BackboneException naming the file when it is missing, not TorchScript, or breaks the contract
     */
    public static TorchScriptEncoder load(NDManager manager, Path file, ClipShape clip, boolean trainable) {
        PtNDManager pt = pytorch(manager);
        if (!Files.isRegularFile(file)) {
            throw new BackboneException(file + ": no such TorchScript file"
                    + (Files.isDirectory(file) ? " (it is a folder; give the .pt file inside it)" : "")
                    + "; export a backbone with torch.jit.trace and torch.jit.save (README, 'Backbones')");
        }
        java.util.Optional<BackboneContract> sidecar = BackboneContract.besides(file);
        if (sidecar.isPresent()) {
            BackboneContract c = sidecar.get();
            if (c.frames() != clip.frames() || c.size() != clip.height() || c.size() != clip.width()) {
                throw new BackboneException(file + ": asked for clips of " + clip + " but " + c.file() + " says the model"
                        + " takes T=" + c.frames() + " " + c.size() + "x" + c.size() + "; drop --frames/--size (the"
                        + " sidecar's values are used) or export the model again with the size you want");
            }
        }
        double limit = probeTimeoutSeconds();
        // The module is loaded into a manager of its own, tied to the caller's only once the probe
        // has returned: a probe that never returns keeps its module (the caller's manager may close).
        PtNDManager own = (PtNDManager) NDManager.newBaseManager(pt.getDevice(), pt.getEngine().getEngineName());
        PtSymbolBlock module;
        try {
            // trainParam=false loads the weights under inference mode: cheaper, but they can never
            // take gradients; a fine-tuned backbone must be loaded with trainParam=true.
            module = JniUtils.loadModule(own, file.toAbsolutePath(), true, new String[0], new String[0], trainable);
        } catch (RuntimeException e) {
            own.close();
            throw new BackboneException(file + ": not a TorchScript archive (PyTorch says: " + firstLine(e)
                    + "); expected a model exported with torch.jit.trace(model, example_clip) or"
                    + " torch.jit.script(model) and saved with torch.jit.save (a state_dict or a pickled module"
                    + " saved with torch.save does not work); see README, 'Backbones'", e);
        }
        TorchScriptEncoder encoder = new TorchScriptEncoder(file, pt, module, trainable, !trainable);
        try {
            encoder.width = withTimeLimit(() -> encoder.probe(own, clip), limit, String.format(java.util.Locale.ROOT,
                    "%s: the load-time probe did not finish in %s s; the TorchScript file may loop forever \u2014 load"
                    + " only files you trust (a slow model: raise -D%s, default %s)", file, seconds(limit),
                    PROBE_TIMEOUT_PROPERTY, seconds(DEFAULT_PROBE_TIMEOUT_SECONDS)));
        } catch (ProbeTimeoutException e) {
            throw new BackboneException(e.getMessage()); // the module and its manager stay with the hung call
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
        pt.attachInternal("torchscript-" + java.util.UUID.randomUUID(), own);
        if (sidecar.isPresent()) {
            sidecar.get().checkWidth(encoder.width, encoder.describe());
        }
        return encoder;
    }

    /** The probe's time limit: {@value #PROBE_TIMEOUT_PROPERTY}, else {@value #DEFAULT_PROBE_TIMEOUT_SECONDS}. */
    static double probeTimeoutSeconds() {
        String text = System.getProperty(PROBE_TIMEOUT_PROPERTY);
        if (text == null || text.isBlank()) {
            return DEFAULT_PROBE_TIMEOUT_SECONDS;
        }
        try {
            double v = Double.parseDouble(text.strip());
            if (v > 0 && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BackboneException("-D" + PROBE_TIMEOUT_PROPERTY + "=" + text + ": give the probe's time limit in"
                + " seconds (> 0), e.g. -D" + PROBE_TIMEOUT_PROPERTY + "=120");
    }

    private static String seconds(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }

    /** Thrown by {@link #withTimeLimit} when the task did not finish in time. */
    static final class ProbeTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProbeTimeoutException(String message) {
            super(message);
        }
    }

    /**
     * Runs {@code task} on a new daemon thread and waits at most {@code seconds} for it. A task that
     * does not finish in time is abandoned, not interrupted (a native call cannot be); being a
     * daemon, its thread does not keep the JVM from exiting.
     *
     * @throws ProbeTimeoutException with {@code timeoutMessage} when the time is up
     */
    static <T> T withTimeLimit(java.util.concurrent.Callable<T> task, double seconds, String timeoutMessage) {
        java.util.concurrent.FutureTask<T> future = new java.util.concurrent.FutureTask<>(task);
        Thread thread = new Thread(future, "ecrl4j-torchscript-probe");
        thread.setDaemon(true);
        thread.start();
        try {
            return future.get((long) Math.ceil(seconds * 1000), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ProbeTimeoutException(timeoutMessage);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackboneException("interrupted while waiting for the load-time probe", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new BackboneException(cause.getMessage(), cause);
        }
    }

    private static PtNDManager pytorch(NDManager manager) {
        if (!(manager instanceof PtNDManager pt)) {
            throw new IllegalArgumentException("TorchScript backbones run on the PyTorch engine, but the manager"
                    + " belongs to " + manager.getEngine().getEngineName());
        }
        return pt;
    }

    /** Runs a zero clip (1, 3, T, H, W), made in {@code owner}, through the module and returns d. */
    private int probe(PtNDManager owner, ClipShape clip) {
        Shape input = new Shape(1, 3, clip.frames(), clip.height(), clip.width());
        try (NDManager m = owner.newSubManager()) {
            NDList out;
            try {
                out = module.forward(new ParameterStore(m, false), new NDList(m.zeros(input)), false);
            } catch (RuntimeException e) {
                throw new BackboneException(file + ": the model failed on a clip of shape " + input + " (PyTorch says: "
                        + firstLine(e) + "); the contract is one input (B, 3, T, H, W) float32, normalised RGB;"
                        + " trace the model with an example of that shape (clip size " + clip + ")", e);
            }
            NDArray features = single(out, input);
            VideoEncoder.checkFeatures(features, input, -1, describe());
            return Math.toIntExact(features.getShape().get(2));
        } catch (IllegalStateException e) {
            throw new BackboneException(e.getMessage(), e);
        }
    }

    private NDArray single(NDList out, Shape input) {
        if (out.size() != 1) {
            throw new BackboneException(describe() + ": for an input of shape " + input + " the model returned "
                    + out.size() + " tensors of shapes " + java.util.Arrays.toString(out.getShapes())
                    + "; the contract is a single tensor (B, T, d) of per-frame features");
        }
        return out.get(0);
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl).strip();
    }

    /** The methods the export recipe adds for Grad-CAM on a layer: activations(x) and from_activations(A). */
    public static final String ACTIVATIONS = "activations";

    /** See {@link #ACTIVATIONS}. */
    public static final String FROM_ACTIVATIONS = "from_activations";

    /**
     * Whether the module has the export recipe's Grad-CAM methods {@code activations(x)} (a layer's
     * output A) and {@code from_activations(A)} (the rest of the network, to (B, T, d)).
     */
    public boolean hasLayerMethods() {
        java.util.List<String> names = java.util.Arrays.asList(JniUtils.getMethodNames(module));
        return names.contains(ACTIVATIONS) && names.contains(FROM_ACTIVATIONS);
    }

    /** The chosen layer's output A (B, C, T', h, w) for clips (B, 3, T, H, W), without gradient. */
    public NDArray activations(NDArray clips) {
        VideoEncoder.checkClips(clips, describe());
        ai.djl.pytorch.jni.IValue in = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) clips);
        ai.djl.pytorch.jni.IValue out = ai.djl.pytorch.jni.IValueUtils.runMethod(module, ACTIVATIONS, in);
        try {
            return out.toTensor((PtNDManager) clips.getManager());
        } finally {
            in.close();
            out.close();
        }
    }

    /**
     * The features (B, T, d) from a layer's output A, with autograd on (the module stays in
     * evaluation mode), so that a gradient reaches A. DJL runs a named method with autograd off
     * unless it is asked to train; the module's train/eval state is not touched by that flag.
     */
    public NDArray fromActivationsWithGradient(NDArray a) {
        try {
            return ModuleMethods.run(module, FROM_ACTIVATIONS, true, a);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable c = e.getCause();
            throw new BackboneException(describe() + ": " + FROM_ACTIVATIONS + " failed (" + firstLine(c) + ")", c);
        } catch (RuntimeException e) {
            Throwable why = e instanceof ModuleMethods.UnavailableException ? e.getCause() : e;
            throw new BackboneException(describe() + ": cannot run " + FROM_ACTIVATIONS + " with gradients in this DJL"
                    + " version (" + firstLine(why) + "); use Grad-CAM on the input instead", e);
        }
    }

    /**
     * forward with autograd on and the module in evaluation mode, so that a gradient reaches the
     * input clip (Grad-CAM on the input). A module loaded frozen holds inference-mode weights, which
     * autograd cannot save; it is reloaded outside inference mode first (once).
     */
    public NDArray forwardWithGradient(NDArray clips) {
        VideoEncoder.checkClips(clips, describe());
        if (inferenceTensors) {
            replaceModule(reload(manager));
            inferenceTensors = false;
            module.freezeParameters(!trainable, VideoEncoder::isLearnable);
        }
        NDList out = ai.djl.pytorch.jni.IValueUtils.forward(module, new NDList(clips), true);
        return single(out, clips.getShape());
    }

    /** The TorchScript file this encoder was loaded from. */
    public Path file() {
        return file;
    }

    @Override
    public int featureWidth() {
        return width;
    }

    @Override
    public java.util.Optional<BackboneContract> contract() {
        return contract;
    }

    @Override
    public boolean isTrainable() {
        return trainable;
    }

    /**
     * Freezes or unfreezes the backbone. A backbone loaded frozen holds inference-mode tensors that
     * cannot take gradients; unfreezing it reloads the module from its serialised form first.
     */
    @Override
    public void setTrainable(boolean trainable) {
        if (trainable && inferenceTensors) {
            replaceModule(reload(manager));
            inferenceTensors = false;
        }
        this.trainable = trainable;
        module.freezeParameters(!trainable, VideoEncoder::isLearnable);
    }

    @Override
    public String describe() {
        return "torchscript:" + file;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray clips = inputs.singletonOrThrow();
        VideoEncoder.checkClips(clips, describe());
        boolean train = trainable && training;
        NDList out = !train && precision() == Precision.BF16 ? forwardBf16(clips) : module.forward(ps, inputs, train);
        NDArray features = single(out, clips.getShape());
        VideoEncoder.checkFeatures(features, clips.getShape(), width, describe());
        if (!train && training) {
            // Outputs of a frozen module are inference tensors, which autograd refuses to save for
            // the backward pass of the head above; a copy made outside inference mode is an
            // ordinary tensor.
            NDArray copy = features.duplicate();
            features.close();
            features = copy;
        }
        return new NDList(features);
    }

    /**
     * Sets the precision of inference forwards: with bf16 they run the file's {@value #FORWARD_BF16}
     * (bfloat16 weights and activations, float32 in and out) when it has one. Training
     * (fine-tuning) forwards stay float32.
     */
    public void setPrecision(Precision p) {
        precision = p;
    }

    /**
     * The precision inference forwards run in: bf16 when it was asked for and the file has
     * {@value #FORWARD_BF16}, else fp32 (a file exported before that method says so on stderr, once).
     */
    public Precision precision() {
        if (precision == Precision.BF16 && !hasMethod(FORWARD_BF16)) {
            if (REPORTED.add(file.toAbsolutePath())) {
                System.err.println(file + ": has no " + FORWARD_BF16 + " method, so it runs in fp32; export it again"
                        + " with tools/export_backbone.py to run it in bf16");
            }
            return Precision.FP32;
        }
        return precision;
    }

    private boolean hasMethod(String name) {
        return java.util.Arrays.asList(JniUtils.getMethodNames(module)).contains(name);
    }

    private NDList forwardBf16(NDArray clips) {
        try (ai.djl.pytorch.jni.IValue in = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) clips);
                ai.djl.pytorch.jni.IValue out = ai.djl.pytorch.jni.IValueUtils.runMethod(module, FORWARD_BF16, in)) {
            return new NDList(out.toTensor((PtNDManager) clips.getManager()));
        }
    }

    @Override
    public ParameterList getDirectParameters() {
        return module.getDirectParameters();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(2), width)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // The module arrives with its weights.
    }

    @Override
    public TorchScriptEncoder copy(NDManager target) {
        TorchScriptEncoder twin = new TorchScriptEncoder(file, pytorch(target), reload(pytorch(target)), trainable, false);
        twin.width = width;
        return twin;
    }

    /** Serialises the current module and loads it again into {@code target}, outside inference mode. */
    private PtSymbolBlock reload(PtNDManager target) {
        return readModule(target, serialise());
    }

    private byte[] serialise() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JniUtils.writeModule(module, bytes, false);
        return bytes.toByteArray();
    }

    private PtSymbolBlock readModule(PtNDManager target, byte[] bytes) {
        try {
            // The native reader trusts each read to fill its buffer, so it is given a byte array.
            return JniUtils.loadModule(target, new ByteArrayInputStream(bytes), true, false);
        } catch (IOException | RuntimeException e) {
            throw new BackboneException(describe() + ": cannot reload the module (" + firstLine(e) + ")", e);
        }
    }

    private void replaceModule(PtSymbolBlock next) {
        PtSymbolBlock old = module;
        module = next;
        old.close();
    }

    /** Writes the module with its current weights (for checkpoints of a fine-tuned backbone). */
    @Override
    public void saveParameters(DataOutputStream os) throws IOException {
        byte[] bytes = serialise();
        os.writeByte(FORMAT);
        os.writeInt(bytes.length);
        os.write(bytes);
    }

    /** Reads weights written by {@link #saveParameters}, replacing the module. */
    @Override
    public void loadParameters(NDManager target, DataInputStream is) throws IOException {
        byte format = is.readByte();
        if (format != FORMAT) {
            throw new IOException(describe() + ": unknown checkpoint format " + format + " for a TorchScript backbone");
        }
        int n = is.readInt();
        if (n < 0) {
            throw new IOException(describe() + ": corrupt checkpoint (module size " + n + ")");
        }
        byte[] bytes = new byte[n];
        is.readFully(bytes);
        replaceModule(readModule(manager, bytes));
        inferenceTensors = false;
        module.freezeParameters(!trainable, VideoEncoder::isLearnable);
    }
}
