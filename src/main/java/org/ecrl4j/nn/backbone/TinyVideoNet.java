package org.ecrl4j.nn.backbone;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ecrl4j.util.ChecksummedFile;

/**
 * The built-in video backbone: a small (2+1)D convolutional network trainable from scratch on a CPU.
 *
 * <p>Each stage factorises a 3-D convolution into a spatial one and a temporal one (the "(2+1)D"
 * convolution of Tran et al., CVPR 2018): a 1x3x3 convolution with spatial stride 2, batch norm and
 * ReLU, then a 3x1x1 convolution over time (zero-padded, so T is kept), batch norm, a residual
 * connection and ReLU. The first stage (the stem) uses a full 3x3x3 kernel instead of the 1x3x3 one,
 * so that the first layer already sees motion at full resolution: with it the direction-of-motion
 * test reaches 98-100% in 200 steps where the purely factorised stem needed 240 steps for 96-100%.
 * The temporal convolutions let every frame's feature see its neighbours, which is what separates
 * events that differ only in their order (an object moving left or right). After the last stage the
 * features are averaged over H and W only.
 *
 * <p>Input (B, 3, T, H, W) (any T >= 1, H, W >= 1); output (B, T, d) with d the last stage's width.
 * When frozen ({@link #setTrainable}), it runs in inference mode even during training (batch norm
 * on its running statistics).
 * Stage widths default to {@link #DEFAULT_WIDTHS}. The spatial size halves (rounding up) at every
 * stage, so 64x64 frames end at 8x8 with three stages.
 */
public final class TinyVideoNet extends AbstractBlock implements VideoEncoder {
    /** Default stage widths; the last one is d. */
    public static final List<Integer> DEFAULT_WIDTHS = List.of(16, 32, 64);

    private static final String MAGIC = "ECRL4J-TinyVideoNet";
    private static final int FILE_VERSION = 1;

    private final List<Integer> widths;
    private final List<Stage> stages = new ArrayList<>();

    /** A network with the default stage widths. */
    public TinyVideoNet() {
        this(DEFAULT_WIDTHS);
    }

    /**
     * A network with the given stage widths (one stage per entry; the last entry is d).
     *
     * @throws IllegalArgumentException when the list is empty or a width is below 1
     */
    public TinyVideoNet(List<Integer> widths) {
        if (widths.isEmpty()) {
            throw new IllegalArgumentException("TinyVideoNet needs at least one stage width");
        }
        for (int w : widths) {
            if (w < 1) {
                throw new IllegalArgumentException("TinyVideoNet stage widths must be >= 1, got " + widths);
            }
        }
        this.widths = List.copyOf(widths);
        for (int i = 0; i < widths.size(); i++) {
            stages.add(addChildBlock("stage" + (i + 1), new Stage(widths.get(i), i == 0)));
        }
    }

    /**
     * Creates and initialises a network in {@code manager}; the seed fixes the initial weights.
     */
    public static TinyVideoNet create(NDManager manager, List<Integer> widths, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        return build(manager, widths);
    }

    /** Initialises a network whose weights are about to be overwritten (does not touch the seed). */
    private static TinyVideoNet build(NDManager manager, List<Integer> widths) {
        TinyVideoNet net = new TinyVideoNet(widths);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 1, 8, 8));
        return net;
    }

    /** The stage widths. */
    public List<Integer> widths() {
        return widths;
    }

    @Override
    public int featureWidth() {
        return widths.get(widths.size() - 1);
    }

    @Override
    public String describe() {
        return "builtin TinyVideoNet widths=" + widths;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        VideoEncoder.checkClips(x, describe());
        // A frozen network keeps its batch-norm statistics, as an imported frozen backbone does.
        boolean train = training && isTrainable();
        for (Stage stage : stages) {
            x = stage.forward(ps, new NDList(x), train).singletonOrThrow(); // (B, C, T, H', W')
        }
        return new NDList(framePool(x));
    }

    /**
     * Spatial average pooling that keeps time: (B, C, T, H, W) -> (B, T, C). The PyTorch engine
     * reduces one axis at a time.
     */
    public static NDArray framePool(NDArray x) {
        return x.mean(new int[] {4}).mean(new int[] {3}).transpose(0, 2, 1);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(2), featureWidth())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[0];
        for (Stage stage : stages) {
            stage.initialize(manager, dataType, shape);
            shape = stage.getOutputShapes(new Shape[] {shape})[0];
        }
    }

    @Override
    public TinyVideoNet copy(NDManager manager) {
        TinyVideoNet twin = build(manager, widths);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            saveParameters(new DataOutputStream(bytes));
            twin.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MalformedModelException e) {
            throw new IllegalStateException("Cannot copy " + describe(), e);
        }
        twin.setTrainable(isTrainable());
        return twin;
    }

    /** Writes the architecture and the weights to {@code file}, atomically, with a checksum. */
    public void save(Path file) throws IOException {
        ChecksummedFile.write(file, out -> {
            DataOutputStream dos = new DataOutputStream(out);
            dos.writeUTF(MAGIC);
            dos.writeInt(FILE_VERSION);
            dos.writeInt(widths.size());
            for (int w : widths) {
                dos.writeInt(w);
            }
            saveParameters(dos);
            dos.flush();
        });
    }

    /**
     * Reads a network written by {@link #save} into {@code manager}.
     *
     * @throws IOException naming the file when it is missing, damaged, truncated or not such a network
     */
    public static TinyVideoNet load(Path file, NDManager manager) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null,
                    "no built-in backbone file here; save one with TinyVideoNet.save or train one first");
        }
        InputStream body;
        try {
            body = ChecksummedFile.open(file, ChecksummedFile.RUN_FILE); // verified before any use
        } catch (ChecksummedFile.MissingChecksumException e) {
            if (startsWithMagic(file)) {
                throw e; // ours, from before checksums
            }
            throw new IOException(file + ": not a built-in backbone file (expected one written by"
                    + " TinyVideoNet.save); for an imported model use --backbone torchscript:PATH", e);
        }
        try (InputStream in = body) {
            DataInputStream dis = new DataInputStream(in);
            String magic;
            try {
                magic = dis.readUTF();
            } catch (IOException e) {
                magic = null;
            }
            if (!MAGIC.equals(magic)) {
                throw new IOException(file + ": not a built-in backbone file (expected one written by"
                        + " TinyVideoNet.save); for an imported model use --backbone torchscript:PATH");
            }
            int version = dis.readInt();
            if (version != FILE_VERSION) {
                throw new IOException(file + ": built-in backbone file version " + version + ", this build reads "
                        + FILE_VERSION + "; retrain or use the release that wrote it");
            }
            int n = dis.readInt();
            if (n < 1 || n > 64) {
                throw new IOException(file + ": corrupt built-in backbone file (" + n + " stages)");
            }
            List<Integer> widths = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                widths.add(dis.readInt());
            }
            TinyVideoNet net = build(manager, widths);
            net.loadParameters(manager, dis);
            return net;
        } catch (EOFException e) {
            throw new IOException(file + ": truncated built-in backbone file; save it again", e);
        } catch (MalformedModelException | IllegalArgumentException e) {
            throw new IOException(file + ": corrupt built-in backbone file (" + e.getMessage() + "); save it again", e);
        }
    }

    /** Whether the file starts as the unchecksummed files of older versions did. */
    private static boolean startsWithMagic(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            return MAGIC.equals(in.readUTF());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * One (2+1)D stage: spatial conv (stride 2; 3x3x3 in the stem, else 1x3x3) + BN + ReLU, then
     * temporal 3x1x1 conv + BN, residual, ReLU. Input (B, C_in, T, H, W); output (B, C, T, ceil(H/2), ceil(W/2)).
     */
    static final class Stage extends AbstractBlock {
        private final int width;
        private final Conv3d spatial;
        private final BatchNorm spatialNorm;
        private final Conv3d temporal;
        private final BatchNorm temporalNorm;

        Stage(int width, boolean stem) {
            this.width = width;
            int kt = stem ? 3 : 1; // the stem sees motion at full resolution
            spatial = addChildBlock("spatial", Conv3d.builder().setFilters(width).setKernelShape(new Shape(kt, 3, 3))
                    .optStride(new Shape(1, 2, 2)).optPadding(new Shape(kt / 2, 1, 1)).optBias(false).build());
            spatialNorm = addChildBlock("spatial_bn", BatchNorm.builder().optAxis(1).build());
            temporal = addChildBlock("temporal", Conv3d.builder().setFilters(width).setKernelShape(new Shape(3, 1, 1))
                    .optPadding(new Shape(1, 0, 0)).optBias(false).build());
            temporalNorm = addChildBlock("temporal_bn", BatchNorm.builder().optAxis(1).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray x = spatial.forward(ps, inputs, training).singletonOrThrow();
            x = Activation.relu(spatialNorm.forward(ps, new NDList(x), training).singletonOrThrow());
            NDArray y = temporal.forward(ps, new NDList(x), training).singletonOrThrow();
            y = temporalNorm.forward(ps, new NDList(y), training).singletonOrThrow();
            return new NDList(Activation.relu(x.add(y)));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape in = inputShapes[0];
            return new Shape[] {new Shape(in.get(0), width, in.get(2), (in.get(3) + 1) / 2, (in.get(4) + 1) / 2)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape in = inputShapes[0];
            spatial.initialize(manager, dataType, in);
            Shape mid = spatial.getOutputShapes(new Shape[] {in})[0];
            spatialNorm.initialize(manager, dataType, mid);
            temporal.initialize(manager, dataType, mid);
            temporalNorm.initialize(manager, dataType, mid);
        }
    }
}
