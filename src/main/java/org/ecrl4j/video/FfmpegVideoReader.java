package org.ecrl4j.video;

import static org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_ALL;
import static org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_DEFAULT;
import static org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_NONREF;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_DISCARD;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_get;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FLAG_BACKWARD;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_seek_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_seek_file;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_TIME_BASE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.av_display_rotation_get;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.ecrl4j.data.VideoSample;

/**
 * The project's video decoder: the only class that drives FFmpeg's demuxer and decoder (through
 * JavaCV's FFmpeg bindings). It works on FFmpeg's own API rather than JavaCV's
 * {@code FFmpegFrameGrabber}, because sampling needs what the grabber hides: the decoder context
 * (to flush after a seek and to skip non-reference frames nobody asked for), the return codes of
 * the decoder (the grabber ignores them, so a damaged stream would pass silently), and the packet
 * timestamps (the grabber's are wrong for AVI).
 *
 * <p>Opening probes the file by reading every packet of the video stream without decoding it
 * (cheap: no pixel is decoded). That gives the exact frame count even when the container states no
 * duration, the presentation timestamp of every frame (so variable frame rate is handled exactly:
 * frame {@code i} is the {@code i}-th frame in presentation order, whatever its time), and the
 * keyframes.
 *
 * <p>Reading a set of frames walks the wanted indices in ascending order. For each, it either keeps
 * decoding from where the decoder stands or seeks to the keyframe before the frame, whichever
 * decodes fewer frames ({@link #SEEK_COST_FRAMES} accounts for the seek itself): a video with a
 * keyframe every few frames is read by seeking, one with a single keyframe sequentially. While
 * decoding towards a wanted frame, non-reference frames that are not wanted are skipped by the
 * decoder. Only wanted frames are converted to RGB24 (by swscale), copied out of FFmpeg's buffers
 * and rotated by the container's display matrix.
 *
 * <p>Sections: the wanted frames fall into sections, each decoded from one seek to a keyframe (a
 * new section starts where seeking is cheaper than decoding on). When there are several sections
 * and the thread budget ({@link DecodeOptions#threads()}, 0 = the available processors) is at
 * least 2, the sections are decoded in parallel, each by its own demuxer and decoder (opened once
 * per reader and reused), with the budget shared among them (at least 1 thread each); each
 * section's frames are exactly those of the sequential path (same seek, same decoder, tested).
 *
 * <p>Damage: every decoder error and every frame the decoder flags as corrupt counts against
 * {@link DecodeOptions#maxDecodeErrors()}; a frame that never comes out, or a call that runs past
 * {@link DecodeOptions#timeoutSeconds()}, refuses the file. Each failure is one
 * {@link VideoException} naming the file.
 */
public final class FfmpegVideoReader implements VideoReader {
    /** A seek (demuxer seek, decoder flush, thread restart) costs about this many decoded frames. */
    static final int SEEK_COST_FRAMES = 4;

    private static final int SWS_FLAGS = SWS_BILINEAR;
    private static final int AV_FRAME_FLAG_CORRUPT = 1;

    static {
        av_log_set_level(System.getenv("ECRL4J_DEBUG") != null ? AV_LOG_WARNING : AV_LOG_QUIET);
    }

    private final Path path;
    private final DecodeOptions options;
    /** The decoder of the probe, sequential reads and verify. */
    private Decoder main;
    /** Decoders of parallel sections, opened on first need and reused. */
    private final List<Decoder> sectionDecoders = new ArrayList<>();

    private int stream;
    private double timeBase;
    /** Presentation timestamps, ascending (ptsMode), or decode timestamps in packet order. */
    private long[] frameTimes;
    /** Presentation timestamps in packet (decode) order. */
    private long[] packetTimes;
    /** Presentation indices of the keyframes, ascending. */
    private int[] keyframes;
    /** Whether decoded frames are identified by their timestamp (else by counting from the start). */
    private boolean ptsMode;
    private long startSeekTs;
    private int rotation;
    private VideoInfo info;

    /** Whether unwanted non-reference frames are skipped (off in tests that compare both ways). */
    private boolean skipNonReference = true;
    /** Parallel section workers: -1 = from the thread budget, else at most this many (tests). */
    private int sectionWorkers = -1;

    private final AtomicInteger seeks = new AtomicInteger();
    private final AtomicLong decodedFrames = new AtomicLong();
    private int lastSections;
    private int lastWorkers;
    private int errors;
    private String firstError;
    private volatile long deadline;

    private FfmpegVideoReader(Path path, DecodeOptions options) {
        this.path = path;
        this.options = options;
    }

    /**
     * Opens and probes a video file.
     *
     * @throws VideoException when the file is missing, empty, not a video, or has no decodable
     *     video stream
     */
    public static FfmpegVideoReader open(Path path, DecodeOptions options) {
        if (!Files.exists(path)) {
            throw new VideoException(path, "no such file", "check the path");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new VideoException(path, "not a readable file", "check the path and its permissions");
        }
        try {
            if (Files.size(path) == 0) {
                throw new VideoException(path, "the file is empty (0 bytes)", "copy or download it again");
            }
        } catch (IOException e) {
            throw new VideoException(path, "cannot read the file: " + e.getMessage(), "check its permissions");
        }
        FfmpegVideoReader r = new FfmpegVideoReader(path, options);
        try {
            r.main = r.new Decoder(options.threads(), true);
            r.probe();
            return r;
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** Clockwise rotation of the display matrix, rounded to a multiple of 90 degrees. */
    private static int readRotation(AVCodecParameters par) {
        AVPacketSideData sd = av_packet_side_data_get(par.coded_side_data(), par.nb_coded_side_data(),
                AV_PKT_DATA_DISPLAYMATRIX);
        if (sd == null || sd.isNull() || sd.data() == null || sd.size() < 36) {
            return 0;
        }
        double ccw = av_display_rotation_get(new IntPointer(sd.data()));
        if (Double.isNaN(ccw)) {
            return 0;
        }
        long cw = Math.round(-ccw / 90.0) * 90;
        return (int) Math.floorMod(cw, 360);
    }

    /** Reads every packet of the video stream (no decoding) to count and index the frames. */
    private void probe() {
        LongList pts = new LongList();
        LongList dts = new LongList();
        List<Integer> keyPackets = new ArrayList<>();
        String demuxError = null;
        AVFormatContext fmt = main.fmt;
        AVPacket pkt = main.pkt;
        while (true) {
            int ret = av_read_frame(fmt, pkt);
            if (ret < 0) {
                if (ret != AVERROR_EOF) {
                    demuxError = err(ret);
                }
                break;
            }
            if (pkt.stream_index() == stream && (pkt.flags() & AV_PKT_FLAG_DISCARD) == 0) {
                if ((pkt.flags() & AV_PKT_FLAG_KEY) != 0) {
                    keyPackets.add(pts.size());
                }
                pts.add(pkt.pts());
                dts.add(pkt.dts());
            }
            av_packet_unref(pkt);
        }
        int n = pts.size();
        if (n == 0) {
            throw new VideoException(path, "contains no video frames" + (demuxError == null ? "" : " (" + demuxError + ")"),
                    "the file is empty, truncated or damaged; re-encode or remove it");
        }
        if (demuxError != null) {
            noteError("reading the container failed after " + n + " frames (" + demuxError + ")");
        }
        long[] p = pts.toArray();
        long[] sorted = p.clone();
        Arrays.sort(sorted);
        boolean allPts = sorted[0] != AV_NOPTS_VALUE;
        boolean unique = true;
        for (int i = 1; i < n; i++) {
            unique &= sorted[i] != sorted[i - 1];
        }
        ptsMode = allPts && unique && timeBase > 0;
        packetTimes = p;
        int[] key;
        if (ptsMode) {
            frameTimes = sorted;
            key = keyPackets.stream().mapToInt(i -> Arrays.binarySearch(sorted, p[i])).sorted().toArray();
            startSeekTs = sorted[0];
        } else {
            frameTimes = dts.toArray();
            key = keyPackets.stream().mapToInt(Integer::intValue).toArray();
            startSeekTs = frameTimes[0] == AV_NOPTS_VALUE ? Long.MIN_VALUE : frameTimes[0];
        }
        keyframes = key;

        AVStream st = fmt.streams(stream);
        double fps = rate(st.avg_frame_rate());
        if (!(fps > 0)) {
            fps = rate(st.r_frame_rate());
        }
        double duration;
        boolean vfr = false;
        if (ptsMode && n > 1) {
            long minD = Long.MAX_VALUE;
            long maxD = 0;
            for (int i = 1; i < n; i++) {
                long d = sorted[i] - sorted[i - 1];
                minD = Math.min(minD, d);
                maxD = Math.max(maxD, d);
            }
            vfr = (maxD - minD) * timeBase > 0.002;
            double span = (sorted[n - 1] - sorted[0]) * timeBase;
            if (!(fps > 0)) {
                fps = (n - 1) / span;
            }
            duration = span + 1.0 / fps;
        } else {
            if (!(fps > 0)) {
                fps = 25;
            }
            duration = n / fps;
        }
        AVCodecParameters par = st.codecpar();
        boolean swap = rotation == 90 || rotation == 270;
        info = new VideoInfo(path, swap ? par.height() : par.width(), swap ? par.width() : par.height(), n, fps,
                duration, rotation, keyframes.length, vfr, avcodec_get_name(par.codec_id()).getString(),
                headerDuration(st));
    }

    /**
     * The duration the header states: the video stream's when the container gives one per stream
     * (MP4, MOV), else the file's (Matroska's segment duration, which may include other streams); NaN
     * when neither is stated.
     */
    private double headerDuration(AVStream st) {
        if (st.duration() != AV_NOPTS_VALUE && st.duration() > 0 && timeBase > 0) {
            return st.duration() * timeBase;
        }
        long d = main.fmt.duration();
        return d != AV_NOPTS_VALUE && d > 0 ? d / (double) AV_TIME_BASE : Double.NaN;
    }

    private static double rate(AVRational r) {
        return r == null || r.den() == 0 ? 0 : (double) r.num() / r.den();
    }

    @Override
    public VideoInfo info() {
        return info;
    }

    @Override
    public int[] frameRange(VideoSample.Segment segment) {
        int n = info.frameCount();
        if (segment == null) {
            return new int[] {0, n};
        }
        int from = 0;
        int to = 0;
        for (int i = 0; i < n; i++) {
            double t = ptsMode ? (frameTimes[i] - frameTimes[0]) * timeBase : i / info.fps();
            if (t < segment.startSeconds()) {
                from = i + 1;
            }
            if (t < segment.endSeconds()) {
                to = i + 1;
            }
        }
        if (from >= to) {
            throw new VideoException(path, "no frame lies in the segment [" + segment.startSeconds() + ", "
                    + segment.endSeconds() + "] s of a " + String.format("%.2f", info.durationSeconds()) + " s video",
                    "check the annotation's segment");
        }
        return new int[] {from, to};
    }

    @Override
    public List<RgbFrame> read(int[] indices) {
        int n = info.frameCount();
        for (int i : indices) {
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException("Frame " + i + " outside [0, " + n + ") of " + path);
            }
        }
        int[] targets = Arrays.stream(indices).distinct().sorted().toArray();
        BitSet wanted = new BitSet(n);
        for (int t : targets) {
            wanted.set(t);
        }
        deadline = System.nanoTime() + (long) (options.timeoutSeconds() * 1e9);
        decodedFrames.set(0);
        List<int[]> sections = sections(targets);
        int workers = Math.min(sections.size(), workerBudget());
        lastSections = sections.size();
        lastWorkers = Math.max(1, workers);
        Map<Integer, RgbFrame> got = workers >= 2 ? readSections(sections, wanted, workers)
                : main.decodeTargets(targets, wanted, new HashMap<>());
        List<RgbFrame> out = new ArrayList<>(indices.length);
        BitSet handedOut = new BitSet(n);
        for (int i : indices) {
            RgbFrame f = got.get(i);
            out.add(handedOut.get(i) ? f.copy() : f);
            handedOut.set(i);
        }
        return out;
    }

    /** The decoder threads this reader may use: the option, or the available processors for 0. */
    private int threadBudget() {
        return options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
    }

    /** How many sections may be decoded at once (1 when frames are not identified by timestamp). */
    private int workerBudget() {
        if (!ptsMode) {
            return 1;
        }
        return sectionWorkers >= 0 ? Math.max(1, sectionWorkers) : threadBudget();
    }

    /**
     * The wanted frames (ascending) cut into sections: a new section starts at a frame whose
     * keyframe lies more than {@link #SEEK_COST_FRAMES} after the previous wanted frame, where the
     * sequential path would seek rather than decode on. Only in ptsMode; otherwise one section.
     */
    private List<int[]> sections(int[] targets) {
        List<int[]> out = new ArrayList<>();
        if (targets.length == 0) {
            return out;
        }
        int start = 0;
        for (int i = 1; ptsMode && i < targets.length; i++) {
            int kf = keyframeAtOrBefore(targets[i]);
            if (kf >= 0 && kf - targets[i - 1] > SEEK_COST_FRAMES) {
                out.add(Arrays.copyOfRange(targets, start, i));
                start = i;
            }
        }
        out.add(Arrays.copyOfRange(targets, start, targets.length));
        return out;
    }

    /**
     * Decodes the sections on {@code workers} threads, each with its own decoder, longest section
     * first. Each decoder gets its share of the thread budget (at least 1), so that the reader never
     * runs more decoding threads than the budget: a peer measured with the same thread count gets
     * the same share of the machine. (An earlier floor of 2 frame threads each gave the reader up to
     * twice the budget, a larger share of a loaded machine and, on an idle one, slower sections:
     * docs/PERFORMANCE.md.)
     */
    private Map<Integer, RgbFrame> readSections(List<int[]> sections, BitSet wanted, int workers) {
        int threadsEach = Math.max(1, threadBudget() / workers);
        while (sectionDecoders.size() < workers) {
            sectionDecoders.add(new Decoder(threadsEach, false));
        }
        List<int[]> order = new ArrayList<>(sections);
        order.sort(Comparator.comparingInt((int[] s) -> s[s.length - 1] - Math.max(0, keyframeAtOrBefore(s[0])))
                .reversed());
        AtomicInteger next = new AtomicInteger();
        List<Map<Integer, RgbFrame>> results = new ArrayList<>();
        RuntimeException[] failure = new RuntimeException[workers];
        Thread[] threads = new Thread[workers];
        for (int w = 0; w < workers; w++) {
            Decoder d = sectionDecoders.get(w);
            Map<Integer, RgbFrame> got = new HashMap<>();
            results.add(got);
            int slot = w;
            threads[w] = new Thread(() -> {
                try {
                    for (int s = next.getAndIncrement(); s < order.size(); s = next.getAndIncrement()) {
                        d.positioned = false; // every section starts with a seek to its keyframe
                        d.decodeTargets(order.get(s), wanted, got);
                    }
                } catch (RuntimeException e) {
                    failure[slot] = e;
                    next.set(order.size()); // the others stop after their current section
                }
            }, "ecrl4j-decode-" + w);
            threads[w].setDaemon(true);
            threads[w].start();
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        for (RuntimeException e : failure) {
            if (e != null) {
                throw e;
            }
        }
        Map<Integer, RgbFrame> all = new HashMap<>();
        for (Map<Integer, RgbFrame> m : results) {
            m.forEach(all::putIfAbsent);
        }
        return all;
    }

    /**
     * Decodes every frame from the start and converts each to RGB; for tests that check the
     * sampling path against a plain sequential decode.
     */
    List<RgbFrame> readAllSequentially() {
        BitSet all = new BitSet();
        all.set(0, info.frameCount());
        Map<Integer, RgbFrame> got = new HashMap<>();
        deadline = System.nanoTime() + (long) (options.timeoutSeconds() * 1e9);
        main.seek(startSeekTs);
        main.skip = false;
        try {
            while (!main.eof) {
                checkDeadline();
                main.step(all, got);
            }
        } finally {
            main.skip = true;
        }
        List<RgbFrame> out = new ArrayList<>();
        for (int i = 0; i < info.frameCount(); i++) {
            out.add(got.get(i));
        }
        return out;
    }

    /** How many seeks this reader has made (for tests of the seek-or-continue choice). */
    int seekCount() {
        return seeks.get();
    }

    /** Tests: whether unwanted non-reference frames are skipped (default true). */
    void skipNonReference(boolean on) {
        skipNonReference = on;
    }

    /** Tests: at most this many sections decoded at once (1 = sequential; -1 = from the thread budget). */
    void sectionWorkers(int workers) {
        sectionWorkers = workers;
    }

    /** How many frames the decoders put out during the last {@link #read} (skipped ones are not counted). */
    public long lastReadDecodedFrames() {
        return decodedFrames.get();
    }

    /** How many sections the last {@link #read} cut its frames into. */
    public int lastReadSections() {
        return lastSections;
    }

    /** How many sections the last {@link #read} decoded at once (1: sequentially, by one decoder). */
    public int lastReadWorkers() {
        return lastWorkers;
    }

    /**
     * The decode floor of reading {@code indices}: per keyframe interval holding wanted frames, the
     * frames that must be decoded to reach its last wanted frame from its keyframe, i.e. the
     * reference frames (and the wanted frames) in decode order from the keyframe's packet up to the
     * last wanted frame's packet. Found by decoding the whole file once with every non-reference
     * frame discarded (for benchmarks; not timed, not used when sampling).
     *
     * @return the number of frames of the floor, or -1 when frames are not identified by timestamp
     */
    public int decodeFloor(int[] indices) {
        if (!ptsMode || indices.length == 0) {
            return -1;
        }
        deadline = System.nanoTime() + (long) (options.timeoutSeconds() * 1e9);
        java.util.Set<Long> reference = new java.util.HashSet<>();
        Decoder d = new Decoder(options.threads(), false);
        try {
            d.seek(startSeekTs);
            d.codec.skip_frame(AVDISCARD_NONREF);
            d.collectTimes = reference;
            while (!d.eof) {
                checkDeadline();
                d.step(null, null);
            }
        } finally {
            d.close();
        }
        Map<Long, Integer> packetOf = new HashMap<>();
        for (int j = 0; j < packetTimes.length; j++) {
            packetOf.put(packetTimes[j], j);
        }
        Map<Integer, Integer> lastPacketOfGop = new HashMap<>();
        java.util.Set<Long> wantedTimes = new java.util.HashSet<>();
        for (int i : indices) {
            int kf = Math.max(0, keyframeAtOrBefore(i));
            lastPacketOfGop.merge(kf, packetOf.get(frameTimes[i]), Math::max);
            wantedTimes.add(frameTimes[i]);
        }
        int floor = 0;
        for (var e : lastPacketOfGop.entrySet()) {
            int from = packetOf.get(frameTimes[e.getKey()]);
            for (int j = from; j <= e.getValue(); j++) {
                if (reference.contains(packetTimes[j]) || wantedTimes.contains(packetTimes[j])) {
                    floor++;
                }
            }
        }
        return floor;
    }

    @Override
    public int verify() {
        deadline = System.nanoTime() + (long) (options.timeoutSeconds() * 1e9);
        main.seek(startSeekTs);
        main.codec.skip_frame(AVDISCARD_DEFAULT);
        int frames = 0;
        while (!main.eof) {
            checkDeadline();
            frames += main.step(null, null);
        }
        if (frames < info.frameCount()) {
            noteError("only " + frames + " of " + info.frameCount() + " frames could be decoded");
        }
        return frames;
    }

    private int keyframeAtOrBefore(int index) {
        int pos = Arrays.binarySearch(keyframes, index);
        if (pos >= 0) {
            return keyframes[pos];
        }
        int ins = -pos - 1;
        return ins == 0 ? -1 : keyframes[ins - 1];
    }

    /** Non-reference frames nobody wants are skipped, when frames are identified by timestamp. */
    private int skipFor(long packetPts, BitSet wanted, boolean skip) {
        if (!ptsMode || !skip || !skipNonReference) {
            return AVDISCARD_DEFAULT;
        }
        int idx = Arrays.binarySearch(frameTimes, packetPts);
        return idx >= 0 && !wanted.get(idx) ? AVDISCARD_NONREF : AVDISCARD_DEFAULT;
    }

    private void checkDeadline() {
        if (System.nanoTime() > deadline) {
            throw new VideoException(path, "decoding took longer than " + options.timeoutSeconds() + " s",
                    "the file may be damaged or very large; re-encode it, or raise the decode timeout");
        }
    }

    private synchronized void noteError(String what) {
        errors++;
        if (firstError == null) {
            firstError = what;
        }
        if (errors > options.maxDecodeErrors()) {
            throw damaged();
        }
    }

    private synchronized VideoException damaged() {
        return new VideoException(path, "damaged video stream: " + firstError
                + (errors > 1 ? " (" + errors + " errors)" : ""),
                "re-encode it with ffmpeg -i IN -c:v libx264 OUT.mp4, or remove it");
    }

    private static String err(int code) {
        byte[] buf = new byte[256];
        av_strerror(code, buf, buf.length);
        int len = 0;
        while (len < buf.length && buf[len] != 0) {
            len++;
        }
        return new String(buf, 0, len, java.nio.charset.StandardCharsets.UTF_8) + ", code " + code;
    }

    @Override
    public void close() {
        for (Decoder d : sectionDecoders) {
            d.close();
        }
        sectionDecoders.clear();
        if (main != null) {
            main.close();
            main = null;
        }
    }

    /**
     * One demuxer and decoder over the file, with its position; used by one thread at a time. The
     * first one of a reader finds the video stream, its parameters and its rotation; the others
     * reuse them (without the first's {@code avformat_find_stream_info}, which may decode frames).
     */
    private final class Decoder implements AutoCloseable {
        private AVFormatContext fmt;
        private AVCodecContext codec;
        private AVPacket pkt;
        private AVFrame frame;
        private SwsContext sws;
        private BytePointer rgb;
        private long rgbCapacity;
        private final PointerPointer<BytePointer> rgbPlanes = new PointerPointer<>(1);
        private final IntPointer rgbLinesize = new IntPointer(1);

        private boolean positioned;
        private boolean eof;
        private int lastOut;
        /** False for the plain test decode, which skips nothing. */
        private boolean skip = true;
        /** When set, the timestamps of every frame put out are added (for the decode floor). */
        private java.util.Set<Long> collectTimes;

        Decoder(int threads, boolean first) {
            try {
                open(threads, first);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private void open(int threads, boolean first) {
            AVFormatContext ctx = new AVFormatContext(null);
            int ret = avformat_open_input(ctx, path.toString(), null, null);
            if (ret < 0) {
                throw new VideoException(path, "not a video FFmpeg can read (" + err(ret) + ")",
                        "check that it is a complete video file; re-encode it with ffmpeg -i IN -c:v libx264 OUT.mp4");
            }
            fmt = ctx;
            if (first) {
                // may decode a few frames to learn what the header does not state; the other
                // decoders of the reader take the parameters found here instead
                ret = avformat_find_stream_info(fmt, (PointerPointer<?>) null);
                if (ret < 0) {
                    throw new VideoException(path, "cannot read the stream information (" + err(ret) + ")",
                            "the file is damaged or truncated; re-encode or remove it");
                }
                stream = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
                if (stream < 0) {
                    throw new VideoException(path, "has no video stream", "give a video file, not audio or another format");
                }
            } else if (stream >= fmt.nb_streams()) {
                throw new VideoException(path, "has fewer streams when opened again", "remux it with ffmpeg -i IN -c copy OUT.mkv");
            }
            for (int i = 0; i < fmt.nb_streams(); i++) {
                if (i != stream) {
                    fmt.streams(i).discard(AVDISCARD_ALL);
                }
            }
            AVStream st = fmt.streams(stream);
            AVCodecParameters par = first ? st.codecpar() : main.fmt.streams(stream).codecpar();
            AVCodec dec = avcodec_find_decoder(par.codec_id());
            if (dec == null || dec.isNull()) {
                throw new VideoException(path, "no decoder for codec " + avcodec_get_name(par.codec_id()).getString(),
                        "re-encode it to H.264 with ffmpeg -i IN -c:v libx264 OUT.mp4");
            }
            codec = avcodec_alloc_context3(dec);
            if (codec == null || codec.isNull() || avcodec_parameters_to_context(codec, par) < 0) {
                throw new VideoException(path, "cannot set up the decoder", "re-encode the file");
            }
            codec.pkt_timebase(st.time_base());
            codec.thread_count(threads);
            ret = avcodec_open2(codec, dec, (AVDictionary) null);
            if (ret < 0) {
                throw new VideoException(path, "cannot open the " + dec.name().getString() + " decoder (" + err(ret) + ")",
                        "re-encode the file");
            }
            pkt = av_packet_alloc();
            frame = av_frame_alloc();
            if (first) {
                AVRational tb = st.time_base();
                timeBase = tb.den() == 0 ? 0 : (double) tb.num() / tb.den();
                rotation = readRotation(par);
            }
        }

        /**
         * Decodes the wanted frames {@code targets} (ascending), for each either decoding on or
         * seeking to the keyframe before it, whichever decodes fewer frames; stores every wanted
         * frame met in {@code got}.
         */
        Map<Integer, RgbFrame> decodeTargets(int[] targets, BitSet wanted, Map<Integer, RgbFrame> got) {
            for (int target : targets) {
                if (got.containsKey(target)) {
                    continue;
                }
                int kf = keyframeAtOrBefore(target);
                boolean mustSeek = !positioned || lastOut >= target;
                boolean cheaper = ptsMode && kf >= 0 && kf - lastOut > SEEK_COST_FRAMES;
                boolean fromKeyframe = ptsMode && kf >= 0 && (mustSeek || cheaper);
                if (mustSeek || cheaper) {
                    seek(fromKeyframe ? frameTimes[kf] : startSeekTs);
                }
                if (!decodeUntil(target, wanted, got) && fromKeyframe) {
                    // the demuxer's seek landed after the frame (a bad index): decode from the start
                    seek(startSeekTs);
                    decodeUntil(target, wanted, got);
                }
                if (!got.containsKey(target)) {
                    noteError("frame " + target + " could not be decoded");
                    throw damaged();
                }
            }
            return got;
        }

        void seek(long ts) {
            int ret = av_seek_frame(fmt, stream, ts, AVSEEK_FLAG_BACKWARD);
            if (ret < 0) {
                ret = avformat_seek_file(fmt, stream, Long.MIN_VALUE, ts, ts, 0);
            }
            if (ret < 0) {
                throw new VideoException(path, "cannot seek (" + err(ret) + ")", "remux it with ffmpeg -i IN -c copy OUT.mkv");
            }
            avcodec_flush_buffers(codec);
            seeks.incrementAndGet();
            positioned = true;
            eof = false;
            lastOut = -1;
        }

        /**
         * Decodes until frame {@code target} is stored in {@code got}, storing every wanted frame met.
         *
         * @return false when the decoder went past the frame or reached the end without producing it
         */
        private boolean decodeUntil(int target, BitSet wanted, Map<Integer, RgbFrame> got) {
            while (!got.containsKey(target)) {
                if (lastOut > target || eof) {
                    return false;
                }
                checkDeadline();
                step(wanted, got);
            }
            return true;
        }

        /** Sends one packet (or the end of stream) to the decoder and collects what comes out. */
        int step(BitSet wanted, Map<Integer, RgbFrame> got) {
            int ret = av_read_frame(fmt, pkt);
            if (ret < 0) {
                if (ret != AVERROR_EOF) {
                    noteError("reading the container failed (" + err(ret) + ")");
                }
                avcodec_send_packet(codec, null);
                eof = true;
                return receive(wanted, got);
            }
            try {
                if (pkt.stream_index() != stream) {
                    return 0;
                }
                if (wanted != null) {
                    codec.skip_frame(skipFor(pkt.pts(), wanted, skip));
                }
                ret = avcodec_send_packet(codec, pkt);
                if (ret < 0 && ret != AVERROR_EAGAIN() && ret != AVERROR_EOF) {
                    noteError("decoding failed after frame " + lastOut + " (" + err(ret) + ")");
                }
            } finally {
                av_packet_unref(pkt);
            }
            return receive(wanted, got);
        }

        private int receive(BitSet wanted, Map<Integer, RgbFrame> got) {
            int frames = 0;
            while (true) {
                int ret = avcodec_receive_frame(codec, frame);
                if (ret == AVERROR_EAGAIN() || ret == AVERROR_EOF) {
                    return frames;
                }
                if (ret < 0) {
                    noteError("decoding failed after frame " + lastOut + " (" + err(ret) + ")");
                    return frames;
                }
                try {
                    int idx = -1;
                    if (ptsMode) {
                        idx = Arrays.binarySearch(frameTimes, frame.best_effort_timestamp());
                    }
                    if (idx < 0) {
                        idx = lastOut + 1;
                    }
                    if (frame.decode_error_flags() != 0 || (frame.flags() & AV_FRAME_FLAG_CORRUPT) != 0) {
                        noteError("frame " + idx + " is damaged");
                    }
                    lastOut = idx;
                    frames++;
                    decodedFrames.incrementAndGet();
                    if (collectTimes != null) {
                        collectTimes.add(frame.best_effort_timestamp());
                    }
                    if (wanted != null && idx < info.frameCount() && wanted.get(idx) && !got.containsKey(idx)) {
                        got.put(idx, convert());
                    }
                } finally {
                    av_frame_unref(frame);
                }
            }
        }

        /** Converts the current decoder frame to RGB24, copies it out of FFmpeg's buffers, rotates it. */
        private RgbFrame convert() {
            int w = frame.width();
            int h = frame.height();
            sws = sws_getCachedContext(sws, w, h, frame.format(), w, h, AV_PIX_FMT_RGB24, SWS_FLAGS, null, null,
                    (DoublePointer) null);
            if (sws == null || sws.isNull()) {
                throw new VideoException(path, "cannot convert pixel format " + frame.format() + " to RGB", "re-encode the file");
            }
            // swscale's x86 YUV->RGB code converts rows in blocks of 8 pixels and leaves the last
            // w % 8 pixels of a row unwritten when the row stride has no room for a whole block, so
            // rows get a stride of whole blocks (plus slack) and the w pixels are copied out
            int stride = ((w + 7) / 8 * 8 + 8) * 3;
            long need = (long) stride * h;
            if (rgb == null || rgbCapacity < need) {
                if (rgb != null) {
                    av_free(rgb);
                }
                rgb = new BytePointer(av_malloc(need + 64)).capacity(need + 64);
                rgbCapacity = need;
            }
            rgbPlanes.put(0, rgb);
            rgbLinesize.put(0, stride);
            sws_scale(sws, frame.data(), frame.linesize(), 0, h, rgbPlanes, rgbLinesize);
            int row = w * 3;
            byte[] px = new byte[row * h];
            for (int y = 0; y < h; y++) {
                rgb.position((long) y * stride).get(px, y * row, row);
            }
            rgb.position(0);
            return Frames.rotateClockwise(new RgbFrame(w, h, px), rotation);
        }

        @Override
        public void close() {
            if (sws != null) {
                sws_freeContext(sws);
                sws = null;
            }
            if (rgb != null) {
                av_free(rgb);
                rgb = null;
            }
            if (frame != null) {
                av_frame_free(frame);
                frame = null;
            }
            if (pkt != null) {
                av_packet_free(pkt);
                pkt = null;
            }
            if (codec != null) {
                avcodec_free_context(codec);
                codec = null;
            }
            if (fmt != null) {
                avformat_close_input(fmt);
                fmt = null;
            }
            rgbPlanes.close();
            rgbLinesize.close();
        }
    }

    /** A growable list of longs. */
    private static final class LongList {
        private long[] a = new long[256];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
