package org.ecrl4j.train;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ecrl4j.util.ChecksummedFile;

/**
 * The one checkpoint format of {@link Trainer}, for head, stage-1 and stage-2 training alike,
 * inside the CRC32C envelope of {@link ChecksummedFile}:
 *
 * <pre>
 *   UTF     "ECRL4J-checkpoint"
 *   int     format version (1)
 *   UTF     the step's name ("the head", "stage 1", "stage 2"): a file of another kind is refused
 *   block   fingerprint of the run's configuration (UTF-8)
 *   int     epochs finished
 *   block   history, JSON array of {@link EpochMetrics}
 *   double  best score so far (-1: none);  int best epoch (-1: none)
 *   blocks  the best epoch's parameters, one block per {@link Trainer.Step#snapshot} entry (count -1: none)
 *   blocks  the parameters after the last finished epoch
 *   block   the optimisers' state ({@link Trainer.Step#writeOptimiser})
 *   block   the data-order generator (java serialisation of {@link Random}); empty with per-epoch seeding
 * </pre>
 *
 * A block is an int length and that many bytes; "blocks" is an int count and that many blocks.
 * Files of other versions, and the per-trainer formats of earlier releases, are refused with a
 * message that says to delete the file and train again.
 */
final class CheckpointFile {
    static final String MAGIC = "ECRL4J-checkpoint";
    static final int VERSION = 1;
    private static final int MAX_BLOCKS = 64;

    final String kind;
    final String fingerprint;
    int epoch;
    List<EpochMetrics> history = new ArrayList<>();
    double bestScore = -1;
    int bestEpoch = -1;
    List<byte[]> best;
    List<byte[]> params;
    byte[] optimiser;
    /** The data-order generator after {@link #epoch} epochs; null with per-epoch seeding. */
    Random order;

    CheckpointFile(String kind, String fingerprint) {
        this.kind = kind;
        this.fingerprint = fingerprint;
    }

    void write(Path file) throws IOException {
        byte[] rng = new byte[0];
        if (order != null) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (ObjectOutputStream o = new ObjectOutputStream(b)) {
                o.writeObject(order);
            }
            rng = b.toByteArray();
        }
        byte[] orderBytes = rng;
        ChecksummedFile.write(file, raw -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw));
            out.writeUTF(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(kind);
            BlockState.writeBlock(out, fingerprint.getBytes(StandardCharsets.UTF_8));
            out.writeInt(epoch);
            BlockState.writeBlock(out, RunFolder.json().writeValueAsBytes(history));
            out.writeDouble(bestScore);
            out.writeInt(bestEpoch);
            writeBlocks(out, best);
            writeBlocks(out, params);
            BlockState.writeBlock(out, optimiser);
            BlockState.writeBlock(out, orderBytes);
            out.flush();
        });
    }

    /**
     * Reads and checks a checkpoint.
     *
     * @param kind the step's name the file must have been written for
     * @param fingerprint the run's fingerprint the file must carry
     * @throws IOException naming the file: damaged, truncated, of another version or kind, or of
     *     another configuration
     */
    static CheckpointFile read(Path file, String kind, String fingerprint) throws IOException {
        try (DataInputStream in = new DataInputStream(ChecksummedFile.open(file, ChecksummedFile.CHECKPOINT))) {
            String magic = readMagic(in, file);
            if (!MAGIC.equals(magic)) {
                throw new IOException(file + ": a checkpoint of an older ecrl4j (" + magic + "), which this version"
                        + " cannot resume; delete it and train again");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException(file + ": checkpoint format version " + version + ", but this ecrl4j reads"
                        + " version " + VERSION + "; delete it and train again");
            }
            String k = in.readUTF();
            if (!k.equals(kind)) {
                throw new IOException(file + ": a checkpoint of " + k + ", not of " + kind
                        + "; choose another --out");
            }
            String fp = new String(BlockState.readBlock(in, "checkpoint"), StandardCharsets.UTF_8);
            if (!fp.equals(fingerprint)) {
                throw new IOException(file + ": the checkpoint was written by a run with another configuration"
                        + " (" + fp + "); resume with the same options (now: " + fingerprint
                        + ") or choose another --out");
            }
            CheckpointFile c = new CheckpointFile(k, fp);
            c.epoch = in.readInt();
            c.history = new ArrayList<>(Arrays.asList(RunFolder.json().readValue(
                    BlockState.readBlock(in, "checkpoint"), EpochMetrics[].class)));
            c.bestScore = in.readDouble();
            c.bestEpoch = in.readInt();
            c.best = readBlocks(in);
            c.params = readBlocks(in);
            c.optimiser = BlockState.readBlock(in, "checkpoint");
            byte[] rng = BlockState.readBlock(in, "checkpoint");
            if (rng.length > 0) {
                try (ObjectInputStream o = new ObjectInputStream(new ByteArrayInputStream(rng))) {
                    c.order = (Random) o.readObject();
                } catch (ClassNotFoundException | ClassCastException e) {
                    throw new IOException(file + ": corrupt checkpoint (data-order generator); delete it and train"
                            + " again", e);
                }
            }
            if (c.params == null || c.epoch < 0 || c.history.size() != c.epoch) {
                throw new IOException(file + ": corrupt checkpoint (" + c.epoch + " epochs, " + c.history.size()
                        + " in the history); delete it and train again");
            }
            return c;
        } catch (EOFException e) {
            throw new IOException(file + ": truncated checkpoint; delete it and train again", e);
        }
    }

    private static String readMagic(DataInputStream in, Path file) throws IOException {
        try {
            return in.readUTF();
        } catch (UTFDataFormatException | EOFException e) {
            throw new IOException(file + ": not an ecrl4j checkpoint; delete it and train again", e);
        }
    }

    private static void writeBlocks(DataOutputStream out, List<byte[]> blocks) throws IOException {
        out.writeInt(blocks == null ? -1 : blocks.size());
        if (blocks != null) {
            for (byte[] b : blocks) {
                BlockState.writeBlock(out, b);
            }
        }
    }

    private static List<byte[]> readBlocks(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        if (n > MAX_BLOCKS) {
            throw new IOException("corrupt checkpoint (" + n + " parameter blocks)");
        }
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(BlockState.readBlock(in, "checkpoint"));
        }
        return out;
    }
}
