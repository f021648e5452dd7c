package org.ecrl4j.synth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the hard preset adds to the default benchmark (issue 15), each part its own switch so that
 * it can be measured alone. Every part is drawn per video from the video's seed alone, never from
 * its class, so none of them is a shortcut; {@link #NONE} is the default preset, rendered exactly as
 * before these options existed.
 *
 * @param cameraMotion per-video pan, zoom and per-frame shake of the whole picture ({@code --camera-motion})
 * @param distractors moving distractor objects behind the event's object, 0 for none ({@code --distractors N})
 * @param dynamicBackground the background sways (rows shift with a travelling wave) and flickers
 *     (per-frame brightness) ({@code --dynamic-background})
 * @param occlusion half of the videos get a bar in front of the object that hides part of it
 *     ({@code --occlusion})
 * @param speeds the event runs over a half, three quarters or all of the clip, at a random start
 *     ({@code --speeds})
 */
public record Hardness(boolean cameraMotion, int distractors, boolean dynamicBackground, boolean occlusion,
        boolean speeds) {
    /** The default preset: nothing added. */
    public static final Hardness NONE = new Hardness(false, 0, false, false, false);
    /** The hard preset: everything, with two distractors. */
    public static final Hardness HARD = new Hardness(true, 2, true, true, true);
    /** The most distractors a video can have. */
    public static final int MAX_DISTRACTORS = 8;

    public Hardness {
        if (distractors < 0 || distractors > MAX_DISTRACTORS) {
            throw new IllegalArgumentException("distractors must be from 0 to " + MAX_DISTRACTORS + ", got " + distractors);
        }
    }

    /** True when nothing is added (the default preset's rendering). */
    public boolean none() {
        return equals(NONE);
    }

    /** This with camera motion switched on or off. */
    public Hardness withCameraMotion(boolean on) {
        return new Hardness(on, distractors, dynamicBackground, occlusion, speeds);
    }

    /** This with {@code n} distractors. */
    public Hardness withDistractors(int n) {
        return new Hardness(cameraMotion, n, dynamicBackground, occlusion, speeds);
    }

    /** This with the swaying, flickering background switched on or off. */
    public Hardness withDynamicBackground(boolean on) {
        return new Hardness(cameraMotion, distractors, on, occlusion, speeds);
    }

    /** This with occlusion switched on or off. */
    public Hardness withOcclusion(boolean on) {
        return new Hardness(cameraMotion, distractors, dynamicBackground, on, speeds);
    }

    /** This with several event speeds switched on or off. */
    public Hardness withSpeeds(boolean on) {
        return new Hardness(cameraMotion, distractors, dynamicBackground, occlusion, on);
    }

    /** The switches that are on, as the flags that turn them on (for logs and benchmark.json). */
    public List<String> flags() {
        List<String> out = new ArrayList<>();
        if (cameraMotion) {
            out.add("--camera-motion");
        }
        if (distractors > 0) {
            out.add("--distractors " + distractors);
        }
        if (dynamicBackground) {
            out.add("--dynamic-background");
        }
        if (occlusion) {
            out.add("--occlusion");
        }
        if (speeds) {
            out.add("--speeds");
        }
        return out;
    }

    /** The switches as a JSON-ready map (benchmark.json's "hardness"). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("camera_motion", cameraMotion);
        m.put("distractors", distractors);
        m.put("dynamic_background", dynamicBackground);
        m.put("occlusion", occlusion);
        m.put("speeds", speeds);
        return m;
    }
}
