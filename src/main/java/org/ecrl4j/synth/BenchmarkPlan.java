package org.ecrl4j.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Decides every video of a benchmark (split, class, background, shape, seed) without rendering any:
 * the confounding of BENCHMARK.md.
 *
 * <p>Class {@code c} has home background {@code Background.values()[c]} (so the two members of a
 * pair have different homes) and home shape {@code ObjectShape.values()[c.pair()]} (shared by the
 * pair). In {@code train}, {@code val} and {@code iid} a video shows the home background with
 * probability bgBias and the home shape with probability objBias, otherwise one drawn uniformly from
 * the others. The draw is stratified: exactly {@code round(bias * n)} of the n videos of a class get
 * the home, in a random order, so the shares are what the configuration claims even for small n.
 * {@code train-unbiased} draws both uniformly; {@code bg-shift} never uses the home background
 * (shapes as in train); {@code obj-shift} never uses the home shape (backgrounds as in train);
 * {@code bg-only} shows the home background with a static object (probability 1/2, any shape) or
 * none.
 *
 * <p>Every random choice comes from seeds derived from the global seed and the video's coordinates
 * (split, class, index), never from a shared stream, so the plan and every video are reproducible
 * and can be generated in any order.
 */
public final class BenchmarkPlan {
    /** One planned video. {@code path} is relative to the benchmark folder, with '/' separators. */
    public record Entry(String path, String maskPath, Split split, VideoSpec spec) {}

    private final SynthConfig config;
    private final List<EventClass> classes;
    private final List<Background> backgrounds;
    private final List<ObjectShape> shapes;
    private final List<Entry> entries;

    /** Plans the benchmark of {@code config}. */
    public BenchmarkPlan(SynthConfig config) {
        this.config = config;
        this.classes = EventClass.first(config.classes());
        this.backgrounds = Background.forClasses(config.classes());
        this.shapes = ObjectShape.forClasses(config.classes());
        this.entries = List.copyOf(plan());
    }

    /** The configuration. */
    public SynthConfig config() {
        return config;
    }

    /** The classes, in index order. */
    public List<EventClass> classes() {
        return classes;
    }

    /** The background families in use. */
    public List<Background> backgrounds() {
        return backgrounds;
    }

    /** The shapes in use. */
    public List<ObjectShape> shapes() {
        return shapes;
    }

    /** Every video, split by split, class by class. */
    public List<Entry> entries() {
        return entries;
    }

    /** The home background of a class. */
    public static Background homeBackground(EventClass c) {
        return Background.values()[c.ordinal()];
    }

    /** The home shape of a class, shared by the two members of its pair. */
    public static ObjectShape homeShape(EventClass c) {
        return ObjectShape.values()[c.pair()];
    }

    /** The relative path of a video file. */
    public static String videoPath(Split split, int index) {
        return "videos/" + split.label() + "/" + String.format("%06d", index) + ".mp4";
    }

    /**
     * The relative path of the mask file of a video: {@code videos/S/N.mp4} has its masks in
     * {@code masks/S/N.png}.
     */
    public static String maskPathFor(String videoPath) {
        String p = videoPath.replace('\\', '/');
        if (!p.startsWith("videos/")) {
            throw new IllegalArgumentException("Not a benchmark video path (expected videos/...): " + videoPath);
        }
        int dot = p.lastIndexOf('.');
        return "masks/" + p.substring("videos/".length(), dot > p.lastIndexOf('/') ? dot : p.length()) + ".png";
    }

    private List<Entry> plan() {
        List<Entry> out = new ArrayList<>();
        for (Split split : Split.values()) {
            int n = split.countPerClass(config.perClass());
            int index = 0;
            for (EventClass c : classes) {
                SplittableRandom rng = new SplittableRandom(Seeds.mix(config.seed(), 10, split.ordinal(), c.ordinal()));
                Background home = homeBackground(c);
                ObjectShape homeShape = homeShape(c);
                List<Background> bgs;
                List<ObjectShape> objs;
                switch (split) {
                    case TRAIN_UNBIASED:
                        bgs = uniform(backgrounds, n, rng);
                        objs = uniform(shapes, n, rng);
                        break;
                    case BG_SHIFT:
                        bgs = stratified(backgrounds, home, 0, n, rng);
                        objs = stratified(shapes, homeShape, config.objBias(), n, rng);
                        break;
                    case OBJ_SHIFT:
                        bgs = stratified(backgrounds, home, config.bgBias(), n, rng);
                        objs = stratified(shapes, homeShape, 0, n, rng);
                        break;
                    case BG_ONLY:
                        bgs = stratified(backgrounds, home, 1, n, rng);
                        objs = uniform(shapes, n, rng);
                        break;
                    default: // train, val, iid
                        bgs = stratified(backgrounds, home, config.bgBias(), n, rng);
                        objs = stratified(shapes, homeShape, config.objBias(), n, rng);
                }
                for (int i = 0; i < n; i++) {
                    long seed = Seeds.derive(config.seed(), 20, split.ordinal(), c.ordinal(), i);
                    VideoSpec spec;
                    if (split == Split.BG_ONLY) {
                        boolean withObject = rng.nextBoolean();
                        spec = new VideoSpec(c, bgs.get(i), withObject ? objs.get(i) : null, seed,
                                withObject ? VideoSpec.Motion.STATIC : VideoSpec.Motion.NONE);
                    } else {
                        spec = VideoSpec.event(c, bgs.get(i), objs.get(i), seed);
                    }
                    String path = videoPath(split, index++);
                    out.add(new Entry(path, maskPathFor(path), split, spec));
                }
            }
        }
        return out;
    }

    /** n draws, exactly round(bias * n) of them {@code home}, the rest uniform over the others. */
    private static <T> List<T> stratified(List<T> options, T home, double bias, int n, SplittableRandom rng) {
        int homes = (int) Math.round(bias * n);
        boolean[] isHome = new boolean[n];
        for (int i = 0; i < homes; i++) {
            isHome[i] = true;
        }
        for (int i = n - 1; i > 0; i--) { // Fisher-Yates
            int j = rng.nextInt(i + 1);
            boolean tmp = isHome[i];
            isHome[i] = isHome[j];
            isHome[j] = tmp;
        }
        List<T> others = new ArrayList<>(options);
        others.remove(home);
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(isHome[i] ? home : others.get(rng.nextInt(others.size())));
        }
        return out;
    }

    private static <T> List<T> uniform(List<T> options, int n, SplittableRandom rng) {
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(options.get(rng.nextInt(options.size())));
        }
        return out;
    }
}
