package org.ecrl4j.saliency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ecrl4j.synth.BenchmarkWriter;
import org.ecrl4j.synth.OracleSaliency;
import org.ecrl4j.video.Frames;
import org.ecrl4j.video.RgbFrame;

/**
 * The {@code oracle} saliency method: the ground-truth object masks of the Confounded Events
 * benchmark ({@link OracleSaliency}), 255 on the object and 0 elsewhere, for the frames the clip
 * was decoded from. It needs a {@link ClipSource} with the video and the frame indices (as
 * {@link ClipIngest} gives); the masks go through the clip's geometric transform
 * ({@link ClipSource#geometry()}) so that they line up with the frames; when that transform is not
 * known and the sizes differ, the masks are only resized to the frame size. The maps stay binary
 * (0 or 255): a mask interpolated by a resize is thresholded at half.
 *
 * <p>Names: {@code oracle} finds the benchmark folder (the one holding {@code benchmark.json}) among
 * the video's parent folders; {@code oracle:DIR} names it.
 */
public final class OracleSaliencyMethod implements SaliencyMethod {
    private final Path root;
    private final Map<Path, OracleSaliency> oracles = new HashMap<>();

    /**
     * An oracle for the benchmark in {@code root}, or for whichever benchmark holds each video when
     * {@code root} is {@code null}.
     */
    public OracleSaliencyMethod(Path root) {
        this.root = root == null ? null : root.toAbsolutePath().normalize();
    }

    /** The factory registered as {@code oracle}: the argument, when given, is the benchmark folder. */
    static SaliencyMethod fromArgument(String arg) {
        return new OracleSaliencyMethod(arg == null || arg.isBlank() ? null : Path.of(arg));
    }

    @Override
    public String name() {
        return root == null ? "oracle" : "oracle:" + root;
    }

    @Override
    public List<SaliencyMap> compute(List<RgbFrame> frames, ClipSource source) {
        SaliencyMethod.checkClip(frames);
        int[] idx = source.frameIndices();
        if (source.video() == null || idx == null) {
            throw new IllegalArgumentException("The oracle saliency reads the benchmark's masks of the clip's video and"
                    + " frames, but this clip came without them; ingest benchmark videos through ClipIngest");
        }
        if (idx.length != frames.size()) {
            throw new IllegalArgumentException("The oracle got " + frames.size() + " frames but " + idx.length
                    + " frame indices of " + source.video());
        }
        Path video = source.video().toAbsolutePath().normalize();
        OracleSaliency oracle = oracleFor(video);
        List<byte[]> masks;
        try {
            masks = oracle.maps(video, idx);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        int s = oracle.size();
        List<RgbFrame> images = new ArrayList<>(masks.size());
        for (byte[] m : masks) {
            images.add(grey(m, s, s));
        }
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        if (source.geometry() != null) {
            images = source.geometry().apply(images);
        } else if (s != w || s != h) {
            List<RgbFrame> resized = new ArrayList<>(images.size());
            for (RgbFrame f : images) {
                resized.add(Frames.resize(f, w, h));
            }
            images = resized;
        }
        List<SaliencyMap> out = new ArrayList<>(images.size());
        for (RgbFrame f : images) {
            if (f.width() != w || f.height() != h) {
                throw new IllegalArgumentException("The masks of " + video + " come out " + f.width() + "x" + f.height()
                        + " after the clip's transform (" + source.transform() + ") but the frames are " + w + "x" + h
                        + "; the geometry given with the clip does not match its frames");
            }
            out.add(new SaliencyMap(w, h, channel0(f)));
        }
        return out;
    }

    private OracleSaliency oracleFor(Path video) {
        Path dir = root != null ? root : benchmarkFolderOf(video);
        return oracles.computeIfAbsent(dir, d -> {
            try {
                return new OracleSaliency(d);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        });
    }

    /** The nearest parent folder of {@code video} holding the benchmark's parameter file. */
    static Path benchmarkFolderOf(Path video) {
        for (Path d = video.toAbsolutePath().normalize().getParent(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(BenchmarkWriter.PARAMETERS))) {
                return d;
            }
        }
        throw new IllegalArgumentException(video + " is not inside a benchmark written by 'ecrl4j synth' (no "
                + BenchmarkWriter.PARAMETERS + " in its folders): the oracle saliency only knows the benchmark's videos;"
                + " name the benchmark with oracle:DIR");
    }

    private static RgbFrame grey(byte[] values, int w, int h) {
        byte[] px = new byte[values.length * 3];
        for (int i = 0; i < values.length; i++) {
            px[3 * i] = values[i];
            px[3 * i + 1] = values[i];
            px[3 * i + 2] = values[i];
        }
        return new RgbFrame(w, h, px);
    }

    /** The first channel thresholded at half: interpolation by a resize must not widen the mask. */
    private static byte[] channel0(RgbFrame f) {
        byte[] px = f.pixels();
        byte[] out = new byte[f.width() * f.height()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((px[3 * i] & 0xff) >= 128 ? 255 : 0);
        }
        return out;
    }
}
