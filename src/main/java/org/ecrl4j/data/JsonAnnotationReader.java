package org.ecrl4j.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the two JSON annotation formats, streaming so that each entry's line is known for error
 * messages (and MSR-VTT's large {@code sentences} array is skipped, not loaded).
 *
 * <p><b>MSR-VTT</b> {@code videodatainfo.json}: {@code videos[]} entries with {@code video_id},
 * {@code category} (0-19, the label, as text) and {@code split} ({@code validate} becomes
 * {@code val}); the video is {@code VIDEOS/<video_id>.mp4}. The entry's {@code id} is kept as an
 * attribute. MSR-VTT clips are already cut, so there is no segment.
 *
 * <p><b>ActivityNet</b> {@code activity_net.v1-3.json}: {@code database} maps a YouTube id to
 * {@code subset} ({@code training}/{@code validation}/{@code testing} become
 * {@code train}/{@code val}/{@code test}), {@code duration} and {@code annotations[]} of
 * {@code label} and {@code segment}. As in the paper, each video is clipped to its first
 * {@code clipSeconds} (segment {@code [0, min(30, duration)]}) with the label of its first
 * annotation, and videos without annotations (the test subset) are dropped. The attributes keep
 * {@code duration} and, for a video with several distinct labels, {@code labels} joined by
 * {@code |}.
 */
final class JsonAnnotationReader {
    private JsonAnnotationReader() {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** MSR-VTT's number of categories. */
    static final int MSRVTT_CATEGORIES = 20;

    /** MSR-VTT if the top-level object has {@code videos[]}, ActivityNet if it has {@code database{}}. */
    static DatasetFormat sniff(Path file) throws IOException {
        try (JsonParser p = MAPPER.createParser(file.toFile())) {
            expectObject(p, file);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (key.equals("videos") && value == JsonToken.START_ARRAY) {
                    return DatasetFormat.MSRVTT;
                }
                if (key.equals("database") && value == JsonToken.START_OBJECT) {
                    return DatasetFormat.ACTIVITYNET;
                }
                p.skipChildren();
            }
        } catch (JsonProcessingException e) {
            throw malformed(file, e);
        }
        throw new AnnotationException(file, 0, "unknown JSON annotation format: expected MSR-VTT's videodatainfo"
                + " (a 'videos' array) or ActivityNet's activity_net.v1-3 (a 'database' object)");
    }

    static List<VideoSample> read(Path file, DatasetFormat format, DatasetReaders.Options options) throws IOException {
        Path jsonDir = file.toAbsolutePath().getParent();
        Path videos = options.videosDir() != null ? options.videosDir().toAbsolutePath().normalize() : jsonDir;
        Path root = DatasetReaders.root(options, videos);
        String wanted = format == DatasetFormat.MSRVTT ? "videos" : "database";
        List<VideoSample> out = new ArrayList<>();
        boolean found = false;
        try (JsonParser p = MAPPER.createParser(file.toFile())) {
            expectObject(p, file);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (!key.equals(wanted)) {
                    p.skipChildren();
                    continue;
                }
                found = true;
                if (format == DatasetFormat.MSRVTT) {
                    if (value != JsonToken.START_ARRAY) {
                        throw new AnnotationException(file, line(p), "'videos' must be an array of video entries");
                    }
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        long line = line(p);
                        JsonNode entry = p.readValueAsTree();
                        out.add(msrVtt(entry, file, line, videos, root));
                    }
                    if (p.currentToken() != JsonToken.END_ARRAY) {
                        throw new AnnotationException(file, line(p), "'videos' must hold only objects");
                    }
                } else {
                    if (value != JsonToken.START_OBJECT) {
                        throw new AnnotationException(file, line(p), "'database' must map video ids to entries");
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String id = p.currentName();
                        long line = line(p);
                        p.nextToken();
                        JsonNode entry = p.readValueAsTree();
                        VideoSample s = activityNet(id, entry, file, line, videos, root, options);
                        if (s != null) {
                            out.add(s);
                        }
                    }
                }
            }
        } catch (JsonProcessingException e) {
            throw malformed(file, e);
        }
        if (!found) {
            throw new AnnotationException(file, 0, "no '" + wanted + "' " + (format == DatasetFormat.MSRVTT
                    ? "array: not an MSR-VTT videodatainfo file" : "object: not an ActivityNet activity_net.v1-3 file"));
        }
        return out;
    }

    private static VideoSample msrVtt(JsonNode e, Path file, long line, Path videos, Path root)
            throws AnnotationException {
        if (!e.isObject()) {
            throw new AnnotationException(file, line, "video entry must be an object");
        }
        String id = text(e, "video_id", file, line);
        JsonNode cat = e.get("category");
        if (cat == null || !cat.isIntegralNumber() || !cat.canConvertToInt()) {
            throw new AnnotationException(file, line, "video " + AnnotationException.quote(id) + ": 'category' must be an integer 0-"
                    + (MSRVTT_CATEGORIES - 1) + ", got " + (cat == null ? "nothing" : AnnotationException.quote(cat.toString(), false)));
        }
        int c = cat.intValue();
        if (c < 0 || c >= MSRVTT_CATEGORIES) {
            throw new AnnotationException(file, line, "video " + AnnotationException.quote(id) + ": category " + c + " is outside 0-"
                    + (MSRVTT_CATEGORIES - 1));
        }
        JsonNode split = e.get("split");
        if (split != null && !split.isTextual()) {
            throw new AnnotationException(file, line, "video " + AnnotationException.quote(id) + ": 'split' must be a string, got " + AnnotationException.quote(split.toString(), false));
        }
        Path path = DatasetReaders.resolveInside(videos, id + ".mp4", root, file, line);
        Map<String, String> attributes = new LinkedHashMap<>();
        if (e.hasNonNull("id")) {
            attributes.put("id", e.get("id").asText());
        }
        return new VideoSample(path, Integer.toString(c), DatasetReaders.normalizeSplit(split == null ? "" : split.asText()),
                null, attributes);
    }

    private static VideoSample activityNet(String id, JsonNode e, Path file, long line, Path videos, Path root,
            DatasetReaders.Options options) throws AnnotationException {
        if (!e.isObject()) {
            throw new AnnotationException(file, line, "video " + AnnotationException.quote(id) + ": entry must be an object");
        }
        JsonNode annotations = e.get("annotations");
        if (annotations == null || annotations.isNull() || annotations.isEmpty()) {
            return null; // unlabelled (ActivityNet's test subset): dropped, as in the paper
        }
        if (!annotations.isArray()) {
            throw new AnnotationException(file, line, "video " + AnnotationException.quote(id) + ": 'annotations' must be an array");
        }
        Set<String> labels = new LinkedHashSet<>();
        for (JsonNode a : annotations) {
            JsonNode label = a.get("label");
            if (label == null || !label.isTextual() || label.asText().isBlank()) {
                throw new AnnotationException(file, line, "video " + AnnotationException.quote(id) + ": an annotation has no 'label' text");
            }
            JsonNode seg = a.get("segment");
            if (seg != null && !(seg.isArray() && seg.size() == 2 && seg.get(0).isNumber() && seg.get(1).isNumber())) {
                throw new AnnotationException(file, line, "video " + AnnotationException.quote(id) + ": 'segment' must be [start, end] in"
                        + " seconds, got " + AnnotationException.quote(seg.toString(), false));
            }
            labels.add(label.asText());
        }
        JsonNode subset = e.get("subset");
        if (subset != null && !subset.isTextual()) {
            throw new AnnotationException(file, line, "video " + AnnotationException.quote(id) + ": 'subset' must be a string, got " + AnnotationException.quote(subset.toString(), false));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        double end = options.clipSeconds();
        JsonNode duration = e.get("duration");
        if (duration != null && !duration.isNull()) {
            if (!duration.isNumber() || !(duration.doubleValue() > 0) || !Double.isFinite(duration.doubleValue())) {
                throw new AnnotationException(file, line, "video " + AnnotationException.quote(id) + ": bad 'duration' " + AnnotationException.quote(duration.toString(), false)
                        + "; give the length in seconds (> 0)");
            }
            end = Math.min(end, duration.doubleValue());
            attributes.put("duration", duration.asText());
        }
        VideoSample.Segment segment = Double.isFinite(end) ? new VideoSample.Segment(0, end) : null;
        if (labels.size() > 1) {
            attributes.put("labels", String.join("|", labels));
        }
        Path path = null;
        for (String pattern : options.activityNetNames()) {
            Path candidate = DatasetReaders.resolveInside(videos, pattern.replace("{id}", id), root, file, line);
            if (path == null || Files.exists(candidate)) {
                path = candidate;
                if (Files.exists(candidate)) {
                    break;
                }
            }
        }
        return new VideoSample(path, labels.iterator().next(),
                DatasetReaders.normalizeSplit(subset == null ? "" : subset.asText()), segment, attributes);
    }

    private static String text(JsonNode e, String field, Path file, long line) throws AnnotationException {
        JsonNode v = e.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new AnnotationException(file, line, "video entry has no '" + field + "' text");
        }
        return v.asText();
    }

    private static void expectObject(JsonParser p, Path file) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new AnnotationException(file, Math.max(1, line(p)), "expected a JSON object at the top level");
        }
    }

    private static long line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static AnnotationException malformed(Path file, JsonProcessingException e) {
        long line = e.getLocation() != null ? e.getLocation().getLineNr() : 0;
        return new AnnotationException(file, Math.max(line, 0), "malformed JSON (" + AnnotationException.quote(e.getOriginalMessage(), false)
                + "); fix the file or re-download the annotation", e);
    }
}
