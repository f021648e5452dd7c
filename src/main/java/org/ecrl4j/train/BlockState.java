package org.ecrl4j.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;

/** What the training loop and its steps share: the seeded data order and parameter snapshots. */
public final class BlockState {
    private BlockState() {}

    /** A Fisher-Yates permutation of 0..n-1 drawn from {@code random}. */
    public static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The block's parameters as bytes (DJL's parameter format). */
    public static byte[] snapshot(Block block) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            block.saveParameters(new DataOutputStream(bytes));
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts back parameters taken by {@link #snapshot}. */
    public static void restore(Block block, NDManager manager, byte[] snapshot) {
        try {
            block.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(snapshot)));
        } catch (IOException | MalformedModelException e) {
            throw new IllegalStateException("Cannot restore a parameter snapshot: " + e.getMessage(), e);
        }
    }

    /** Which of the block's parameters take gradients, in {@code getParameters()} order. */
    public static boolean[] learnable(Block block) {
        var params = block.getParameters();
        boolean[] out = new boolean[params.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = params.get(i).getValue().requiresGradient();
        }
        return out;
    }

    /**
     * Puts back parameters taken by {@link #snapshot} into a block that trains on: the arrays come
     * back without their gradient, so the parameters marked in {@code learnable} get one again.
     *
     * @throws IOException when the snapshot belongs to another block
     */
    public static void restoreTrainable(Block block, NDManager manager, byte[] snapshot, boolean[] learnable)
            throws IOException {
        try {
            block.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(snapshot)));
        } catch (MalformedModelException | RuntimeException e) {
            throw new IOException("the saved parameters do not fit this configuration: " + e.getMessage(), e);
        }
        var params = block.getParameters();
        for (int i = 0; i < learnable.length; i++) {
            if (learnable[i]) {
                params.get(i).getValue().getArray().setRequiresGradient(true);
            }
        }
    }

    /**
     * Checks that a snapshot holds one entry per block.
     *
     * @throws IOException when it does not: it belongs to another configuration
     */
    public static void checkBlockCount(List<byte[]> snapshot, int blocks) throws IOException {
        if (snapshot.size() != blocks) {
            throw new IOException("the saved state holds " + snapshot.size() + " parameter blocks, this run trains "
                    + blocks + "; it belongs to another configuration");
        }
    }

    /** Writes a length-prefixed block of bytes (the checkpoints' framing). */
    public static void writeBlock(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    /**
     * Reads a block written by {@link #writeBlock}.
     *
     * @param what names the file in the error of a corrupt length
     */
    public static byte[] readBlock(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (1 << 30)) {
            throw new IOException("corrupt " + what + " (block of " + n + " bytes)");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
