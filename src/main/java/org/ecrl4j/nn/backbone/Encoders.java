package org.ecrl4j.nn.backbone;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The encoders of the three streams (MODEL.md section 1.5): M_v for the whole clip V, M_s for the
 * foreground S, M_c for the background C. Shared: one network serves all three. Separate: three
 * independent copies that start from the same weights (paper and reference).
 */
public final class Encoders {
    /** The three streams. */
    public enum Stream {
        /** The whole clip V. */
        V,
        /** The foreground clip S. */
        S,
        /** The background clip C. */
        C
    }

    private final EncoderSharing sharing;
    private final Map<Stream, VideoEncoder> encoders;

    private Encoders(EncoderSharing sharing, Map<Stream, VideoEncoder> encoders) {
        this.sharing = sharing;
        this.encoders = encoders;
    }

    /**
     * Builds the three streams' encoders from one.
     *
     * @param first the encoder of V (and of all streams when shared)
     * @param manager owns the copies when separate
     */
    public static Encoders of(VideoEncoder first, EncoderSharing sharing, NDManager manager) {
        Map<Stream, VideoEncoder> map = new EnumMap<>(Stream.class);
        map.put(Stream.V, first);
        for (Stream s : new Stream[] {Stream.S, Stream.C}) {
            map.put(s, sharing == EncoderSharing.SHARED ? first : first.copy(manager));
        }
        return new Encoders(sharing, map);
    }

    /**
     * Three given encoders for V, S and C (separate sharing; the same object may serve two streams,
     * e.g. one encoder for V and C and its own for S).
     */
    public static Encoders of(VideoEncoder v, VideoEncoder s, VideoEncoder c) {
        Map<Stream, VideoEncoder> map = new EnumMap<>(Stream.class);
        map.put(Stream.V, v);
        map.put(Stream.S, s);
        map.put(Stream.C, c);
        if (s.featureWidth() != v.featureWidth() || c.featureWidth() != v.featureWidth()) {
            throw new IllegalArgumentException("The encoders of V, S and C give d=" + v.featureWidth() + ", "
                    + s.featureWidth() + ", " + c.featureWidth() + "; they must be equal");
        }
        return new Encoders(v == s && s == c ? EncoderSharing.SHARED : EncoderSharing.SEPARATE, map);
    }

    /** Copies of the distinct encoders (same weights), shared among the streams as these are. */
    public Encoders copy(NDManager manager) {
        Map<VideoEncoder, VideoEncoder> copies = new java.util.IdentityHashMap<>();
        for (VideoEncoder d : distinct()) {
            copies.put(d, d.copy(manager));
        }
        return of(copies.get(video()), copies.get(foreground()), copies.get(background()));
    }

    /** Builds the encoder a spec names and derives the three streams' encoders from it. */
    public static Encoders create(BackboneSpec spec, EncoderSharing sharing, NDManager manager, ClipShape clip,
            boolean finetune, long seed) {
        return of(spec.create(manager, clip, finetune, seed), sharing, manager);
    }

    public EncoderSharing sharing() {
        return sharing;
    }

    /** The encoder of one stream. */
    public VideoEncoder get(Stream stream) {
        return encoders.get(stream);
    }

    /** M_v. */
    public VideoEncoder video() {
        return get(Stream.V);
    }

    /** M_s. */
    public VideoEncoder foreground() {
        return get(Stream.S);
    }

    /** M_c. */
    public VideoEncoder background() {
        return get(Stream.C);
    }

    /** d, the same for all streams. */
    public int featureWidth() {
        return video().featureWidth();
    }

    /** The distinct networks: one when shared, three when separate (in the order V, S, C). */
    public List<VideoEncoder> distinct() {
        List<VideoEncoder> out = new ArrayList<>();
        for (VideoEncoder e : encoders.values()) {
            if (out.stream().noneMatch(o -> o == e)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Every parameter the trainer updates, each once. */
    public List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        for (VideoEncoder e : distinct()) {
            out.addAll(e.trainableParameters());
        }
        return out;
    }

    /** Whether any encoder is trained (else features can be extracted once and cached). */
    public boolean isTrainable() {
        return distinct().stream().anyMatch(VideoEncoder::isTrainable);
    }

    /** Writes the weights of the distinct networks (for checkpoints). */
    public void saveParameters(DataOutputStream out) throws IOException {
        List<VideoEncoder> list = distinct();
        out.writeUTF(sharing.option());
        out.writeInt(list.size());
        for (VideoEncoder e : list) {
            e.saveParameters(out);
        }
    }

    /**
     * Reads weights written by {@link #saveParameters} of encoders with the same sharing.
     *
     * @throws IOException when the checkpoint was written with another sharing
     */
    public void loadParameters(NDManager manager, DataInputStream in) throws IOException {
        String written = in.readUTF();
        int n = in.readInt();
        List<VideoEncoder> list = distinct();
        if (!written.equals(sharing.option()) || n != list.size()) {
            throw new IOException("the checkpoint holds --encoders " + written + " (" + n + " networks) but this run uses"
                    + " --encoders " + sharing.option() + "; resume with the same --encoders");
        }
        try {
            for (VideoEncoder e : list) {
                e.loadParameters(manager, in);
            }
        } catch (MalformedModelException e) {
            throw new IOException("corrupt encoder checkpoint: " + e.getMessage(), e);
        }
    }
}
