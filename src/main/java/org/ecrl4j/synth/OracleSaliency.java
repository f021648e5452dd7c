package org.ecrl4j.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The oracle saliency of the benchmark: the ground-truth object masks written by {@code ecrl4j
 * synth}, for scoring saliency methods and as an upper bound (with oracle masks, masking alone
 * solves the benchmark, so model comparisons use an estimated saliency).
 *
 * <p>Maps are {@code width * height} bytes, row-major, 255 on the object's pixels and 0 elsewhere,
 * one per requested frame index. The masks of {@code DIR/videos/S/N.mp4} are read from {@code
 * DIR/masks/S/N.png}.
 */
public final class OracleSaliency {
    private final Path root;
    private final int size;
    private final int frames;

    /** An oracle for the benchmark in {@code root} (the folder with {@code benchmark.json}). */
    public OracleSaliency(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Path params = this.root.resolve(BenchmarkWriter.PARAMETERS);
        if (!Files.isRegularFile(params)) {
            throw new IOException("No " + BenchmarkWriter.PARAMETERS + " in " + root + ": the oracle saliency needs a"
                    + " benchmark written by 'ecrl4j synth'; pass its folder");
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(params.toFile());
        } catch (IOException e) {
            throw new IOException("Cannot read " + params + " (" + e.getMessage() + "); generate the benchmark again", e);
        }
        if (json == null || !json.path("size").canConvertToInt() || !json.path("frames").canConvertToInt()) {
            throw new IOException(params + " has no integer 'size' and 'frames'; generate the benchmark again");
        }
        this.size = json.path("size").asInt();
        this.frames = json.path("frames").asInt();
    }

    /** The frame side of the benchmark's videos. */
    public int size() {
        return size;
    }

    /** The mask file of a video given by its path (absolute, or relative to the benchmark folder). */
    public Path maskFile(Path video) {
        Path abs = root.resolve(video).toAbsolutePath().normalize();
        if (!abs.startsWith(root)) {
            throw new IllegalArgumentException("Video " + video + " is not inside the benchmark folder " + root
                    + ": the oracle saliency only knows the benchmark's own videos");
        }
        String rel = root.relativize(abs).toString().replace('\\', '/');
        return root.resolve(BenchmarkPlan.maskPathFor(rel));
    }

    /** All the masks of a video, one per frame. */
    public List<byte[]> allMaps(Path video) throws IOException {
        Path file = maskFile(video);
        List<byte[]> masks = MaskStrip.read(file, size);
        if (masks.size() != frames || masks.get(0).length != size * size) {
            throw new IOException("Mask file " + file + " holds " + masks.size() + " frames of "
                    + (masks.get(0).length / size) + "x" + size + ", but benchmark.json says " + frames + " frames of "
                    + size + "x" + size + "; generate the benchmark again");
        }
        return masks;
    }

    /** The masks of the given frames of a video, in the order of {@code frameIndices}. */
    public List<byte[]> maps(Path video, int[] frameIndices) throws IOException {
        List<byte[]> all = allMaps(video);
        List<byte[]> out = new ArrayList<>(frameIndices.length);
        for (int t : frameIndices) {
            if (t < 0 || t >= all.size()) {
                throw new IllegalArgumentException("Frame " + t + " asked of " + video + ", which has " + all.size()
                        + " frames");
            }
            out.add(all.get(t).clone());
        }
        return out;
    }
}
