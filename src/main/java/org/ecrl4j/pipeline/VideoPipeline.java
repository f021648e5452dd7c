package org.ecrl4j.pipeline;

import ai.djl.ndarray.NDManager;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ecrl4j.nn.backbone.BackboneException;
import org.ecrl4j.nn.backbone.BackboneSpec;
import org.ecrl4j.nn.backbone.ClipShape;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.TinyVideoNet;
import org.ecrl4j.nn.backbone.VideoEncoder;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.train.RunFolder;
import org.ecrl4j.util.AtomicFiles;
import org.ecrl4j.util.ChecksummedFile;

/**
 * How a run trained on videos turns a video into features: the backbone, the encoders' sharing,
 * the saliency method, T, the input size and the split. Written to {@code pipeline.json} in the run
 * folder, beside {@code config.json}, so that {@code eval --data} and {@code predict} reproduce it.
 *
 * @param backbone the {@code --backbone} text
 * @param backboneSha256 SHA-256 of the backbone file (TorchScript or saved built-in), or null
 * @param encoders {@code shared} or {@code separate}
 * @param finetune whether an imported backbone was trained too
 * @param trained whether the run wrote the encoders' weights ({@link #ENCODERS_FILE})
 * @param saliency the saliency method's name
 * @param frames T
 * @param size the input size
 * @param split the foreground/background split
 * @param bgSwap the background swap probability of training
 */
public record VideoPipeline(String backbone, String backboneSha256, String encoders, boolean finetune, boolean trained,
        String saliency, int frames, int size, SplitOptions split, double bgSwap) {
    /** The file in a run folder. */
    public static final String FILE = "pipeline.json";
    /** The weights of the distinct encoders after stage 1 ({@link Encoders#saveParameters}). */
    public static final String ENCODERS_FILE = "encoders.params";
    /** M_v as a standalone built-in backbone file, usable as {@code --backbone builtin:RUN/encoder.tvn}. */
    public static final String BUILTIN_FILE = "encoder.tvn";

    /** The feature settings of this pipeline. */
    public VideoFeatures.Settings settings() {
        return new VideoFeatures.Settings(frames, size, split);
    }

    /** Writes {@code dir/pipeline.json} atomically. */
    public void write(Path dir) throws IOException {
        AtomicFiles.writeString(dir.resolve(FILE), RunFolder.json().writeValueAsString(this));
    }

    /**
     * Reads {@code dir/pipeline.json}.
     *
     * @throws IOException naming the folder when it is not a run trained on videos
     */
    public static VideoPipeline read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(dir + " has no " + FILE + ": it was not trained on videos (ecrl4j train --data);"
                    + " evaluate it on a feature file with --features, or train it with --data");
        }
        try {
            return RunFolder.json().readValue(file.toFile(), VideoPipeline.class);
        } catch (com.fasterxml.jackson.core.JacksonException | IllegalArgumentException e) {
            throw new IOException(file + " is not a valid pipeline description: " + e.getMessage(), e);
        }
    }

    /** Saves the encoders of a run: their weights, and M_v as a built-in backbone file when it is one. */
    public static void saveEncoders(Encoders encoders, Path dir) throws IOException {
        ChecksummedFile.write(dir.resolve(ENCODERS_FILE), out -> {
            DataOutputStream dos = new DataOutputStream(new BufferedOutputStream(out));
            encoders.saveParameters(dos);
            dos.flush();
        });
        if (encoders.video() instanceof TinyVideoNet net) {
            net.save(dir.resolve(BUILTIN_FILE));
        }
    }

    /**
     * Rebuilds the run's frozen encoders in {@code manager}.
     *
     * @throws IOException naming the file that is missing or changed
     */
    public Encoders openEncoders(Path dir, NDManager manager) throws IOException {
        BackboneSpec spec = BackboneSpec.parse(backbone);
        EncoderSharing sharing = EncoderSharing.parse(encoders);
        VideoEncoder first;
        if (spec instanceof BackboneSpec.Builtin || spec instanceof BackboneSpec.BuiltinFile) {
            if (!trained) {
                throw new IOException(dir + ": the run has no encoder weights (" + ENCODERS_FILE + ")");
            }
            first = TinyVideoNet.load(dir.resolve(BUILTIN_FILE), manager);
        } else {
            Path file = ((BackboneSpec.TorchScript) spec).file();
            if (!Files.isRegularFile(file)) {
                throw new IOException("The run's backbone " + file + " is missing; put the TorchScript file back there");
            }
            if (backboneSha256 != null && !backboneSha256.equals(RunFolder.sha256(file))) {
                throw new IOException("The run's backbone " + file + " has changed since training (SHA-256 differs);"
                        + " restore the file the run was trained with");
            }
            try {
                first = spec.create(manager, new ClipShape(frames, size, size), false, 0);
            } catch (BackboneException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        Encoders out = Encoders.of(first, sharing, manager);
        if (trained) {
            Path params = dir.resolve(ENCODERS_FILE);
            if (!Files.isRegularFile(params)) {
                throw new IOException(dir + " has no " + ENCODERS_FILE + "; the run folder is incomplete: train it again");
            }
            InputStream body = ChecksummedFile.open(params, ChecksummedFile.RUN_FILE); // verified before any use
            try (InputStream in = body) {
                out.loadParameters(manager, new DataInputStream(in));
            } catch (IOException | RuntimeException e) {
                throw new IOException(params + ": " + e.getMessage(), e);
            }
        }
        for (VideoEncoder e : out.distinct()) {
            e.setTrainable(false);
        }
        return out;
    }
}
