package org.ecrl4j.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.ecrl4j.data.DatasetReaders;
import org.ecrl4j.data.FeatureSet;
import org.ecrl4j.dictionary.ConfounderDictionary;
import org.ecrl4j.nn.HeadShape;
import org.ecrl4j.data.VideoSample;
import org.ecrl4j.eval.Evaluation;
import org.ecrl4j.nn.HeadConfig;
import org.ecrl4j.nn.backbone.BackboneSpec;
import org.ecrl4j.nn.backbone.ClipShape;
import org.ecrl4j.nn.backbone.EncoderSharing;
import org.ecrl4j.nn.backbone.Encoders;
import org.ecrl4j.nn.backbone.PooledClassifier;
import org.ecrl4j.nn.backbone.VideoEncoder;
import org.ecrl4j.saliency.SplitOptions;
import org.ecrl4j.train.Checkpoint;
import org.ecrl4j.train.EpochMetrics;
import org.ecrl4j.train.HeadModel;
import org.ecrl4j.train.HeadTrainer;
import org.ecrl4j.train.Trainer;
import org.ecrl4j.train.RunFolder;
import org.ecrl4j.train.TrainOptions;
import org.ecrl4j.util.AtomicFiles;

/**
 * {@code ecrl4j train --data}: the two stages of MODEL.md section 5 on videos.
 *
 * <ol>
 *   <li>Stage 1 (unless the backbone is a frozen imported one, or {@code stage1.epochs} is 0): the
 *       encoder(s) train with a plain classifier on mean-pooled features, with the background swap
 *       when asked. Shared: one encoder on V. Separate: M_v on V, M_s on S, M_c on C, each from the
 *       same initial weights.</li>
 *   <li>The dictionaries are built from the stage-1 encoders' features of train (plus swapped copies
 *       when {@code bgSwap > 0}).</li>
 *   <li>Stage 2, joint (the default when the encoders are trainable: MODEL.md section 5): the
 *       encoders and the head train together on the clips ({@link JointTrainer}), the encoders at
 *       {@code encoderLrScale} times the head's learning rate. Frozen (an imported backbone without
 *       {@code --finetune-backbone}, or {@code --stage2 frozen}): the features of train and val are
 *       extracted once, cached in the run folder, and the head trains on them.</li>
 *   <li>Either way a checkpoint is written after every stage-2 epoch.</li>
 * </ol>
 *
 * <p>Resuming: each step leaves its result in the run folder (encoder weights, cached features,
 * the head checkpoint); {@code resume} reuses what is there after checking that the run was started
 * with the same request. A run killed during stage 1 restarts stage 1.
 */
public final class VideoTraining {
    /** The request, as written to {@code request.json}; a resumed run must repeat it. */
    public record Request(String annotationsSha256, HeadConfig head, TrainOptions headOptions, TrainOptions stage1,
            VideoPipeline pipeline, List<String> classes, boolean joint, double encoderLrScale,
            TrainingClips.Augmentation augment) {}

    /**
     * Everything a run needs.
     *
     * @param annotations the annotation file or dataset folder
     * @param out the run folder
     * @param head the configuration trained in stage 2
     * @param headOptions stage-2 options
     * @param stage1 stage-1 options (epochs 0: no stage 1)
     * @param backbone the backbone
     * @param sharing shared or separate encoders
     * @param finetune train an imported backbone in stage 1
     * @param saliency the saliency method
     * @param frames T
     * @param size input size
     * @param split the foreground/background split
     * @param bgSwap background swap probability (stage 1 and stage-2 features)
     * @param workers decoding threads
     * @param resume continue a run in {@code out}
     * @param stopAfterEpoch stop after this many stage-2 epochs, as a kill would (tests; 0: never)
     * @param stopAfterStage1Epoch stop after this many stage-1 epochs of the first stream (tests; 0: never)
     * @param joint stage 2 trains the whole model (encoders and head) on the videos, as MODEL.md
     *     section 5 says; false, or a frozen backbone, trains the head on cached features
     * @param encoderLrScale joint stage 2: the encoders' learning rate over the head's
     * @param augment training-time sampling and augmentation of the clips the encoders train on
     *     (stage 1 and joint stage 2; a head on cached features sees the evaluation clips)
     */
    public record Options(Path annotations, Path out, HeadConfig head, TrainOptions headOptions, TrainOptions stage1,
            BackboneSpec backbone, EncoderSharing sharing, boolean finetune, String saliency, int frames, int size,
            SplitOptions split, double bgSwap, int workers, boolean resume, int stopAfterEpoch, int stopAfterStage1Epoch,
            boolean joint, double encoderLrScale, org.ecrl4j.data.Protocol protocol, double valFraction,
            TrainingClips.Augmentation augment) {
        public Options {
            if (augment == null) {
                throw new IllegalArgumentException("augment must be given (TrainingClips.Augmentation.OFF for none)");
            }
            if (!(encoderLrScale >= 0)) {
                throw new IllegalArgumentException("--encoder-lr-scale must be >= 0, got " + encoderLrScale);
            }
            if (!(bgSwap >= 0 && bgSwap <= 1)) {
                throw new IllegalArgumentException("--bg-swap must be in [0, 1], got " + bgSwap);
            }
        }
    }

    /** Files in the run folder. */
    public static final String REQUEST_FILE = "request.json";
    public static final String STAGE1_FILE = "stage1.json";
    public static final String CACHE_DIR = "cache";
    public static final String CHECKPOINT_DIR = "checkpoint";

    private VideoTraining() {}

    /**
     * Runs (or resumes) the training and writes the run folder.
     *
     * @return false when the run stopped early ({@code stopAfterEpoch})
     */
    public static boolean run(Options o, String codeVersion, Consumer<String> log) throws IOException {
        List<VideoSample> read = DatasetReaders.read(o.annotations());
        List<String> classes = DatasetReaders.classes(o.annotations(), read);
        // The paper's protocol (MODEL.md 7): val carved out of training, the test split never seen here.
        List<VideoSample> samples = o.protocol().apply(read, o.valFraction(), o.headOptions().seed());
        if (o.protocol() != org.ecrl4j.data.Protocol.NONE) {
            java.util.Map<String, Long> counts = new java.util.TreeMap<>();
            samples.forEach(s -> counts.merge(DatasetReaders.normalizeSplit(s.split()), 1L, Long::sum));
            log.accept(String.format(java.util.Locale.ROOT, "protocol %s: %s (val: %.0f%% of every class of the"
                    + " training pool, seed %d; the test split is not read)", o.protocol().optionName(), counts,
                    100 * o.valFraction(), o.headOptions().seed()));
        }
        if (classes.size() < 2) {
            throw new IllegalArgumentException(o.annotations() + ": " + classes.size() + " class; training needs at least 2");
        }
        List<VideoSample> train = new ArrayList<>();
        List<VideoSample> val = new ArrayList<>();
        for (VideoSample s : samples) {
            String split = DatasetReaders.normalizeSplit(s.split());
            if (split.equals("train") || split.isEmpty()) {
                train.add(s);
            } else if (split.equals("val")) {
                val.add(s);
            }
        }
        if (train.isEmpty()) {
            throw new IllegalArgumentException(o.annotations() + " has no video in split 'train'; give a split column"
                    + " with train (and val) rows, or no split column to train on every row");
        }
        Path backboneFile = backboneFile(o.backbone());
        boolean stage1 = o.stage1() != null && (!(o.backbone() instanceof BackboneSpec.TorchScript) || o.finetune());
        boolean trained = !(o.backbone() instanceof BackboneSpec.TorchScript) || (stage1 && o.finetune());
        // The whole model trains in stage 2 when the encoders are ours to train (MODEL.md section 5).
        boolean joint = o.joint() && (!(o.backbone() instanceof BackboneSpec.TorchScript) || o.finetune());
        VideoPipeline pipeline = new VideoPipeline(o.backbone().toString(),
                backboneFile == null ? null : RunFolder.sha256(backboneFile), o.sharing().option(), o.finetune(),
                trained, o.saliency(), o.frames(), o.size(), o.split(), o.bgSwap());
        Request request = new Request(Files.isDirectory(o.annotations()) ? null : RunFolder.sha256(o.annotations()),
                o.head(), o.headOptions(), stage1 ? o.stage1() : null, pipeline, classes, joint,
                joint ? o.encoderLrScale() : 0, stage1 || joint ? o.augment() : TrainingClips.Augmentation.OFF);
        Path out = o.out();
        checkRequest(out, request, o.resume());
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve(REQUEST_FILE), RunFolder.json().writeValueAsString(request));
        String fingerprint = RunFolder.json().writeValueAsString(request).replaceAll("\\s+", "");
        Run run = new Run(o, classes, pipeline, backboneFile, codeVersion, fingerprint, stage1, trained, log);
        return joint ? run.joint(train, val) : run.frozen(train, val);
    }

    /** One run's settings and what it has found so far. */
    private static final class Run {
        final Options o;
        final List<String> classes;
        final VideoPipeline pipeline;
        final Path backboneFile;
        final String codeVersion;
        final String fingerprint;
        final boolean stage1;
        final boolean trained;
        final Consumer<String> log;
        final Path out;
        final List<String> skipped = new ArrayList<>();
        List<StoredClip> trainClips;
        List<StoredClip> valClips;
        /** The training clips the encoders see, epoch by epoch. */
        TrainingClips training;

        Run(Options o, List<String> classes, VideoPipeline pipeline, Path backboneFile, String codeVersion,
                String fingerprint, boolean stage1, boolean trained, Consumer<String> log) {
            this.o = o;
            this.classes = classes;
            this.pipeline = pipeline;
            this.backboneFile = backboneFile;
            this.codeVersion = codeVersion;
            this.fingerprint = fingerprint;
            this.stage1 = stage1;
            this.trained = trained;
            this.log = log;
            this.out = o.out();
        }

        /** Decodes train and val once and computes their saliency. */
        void ingest(List<VideoSample> train, List<VideoSample> val) {
            List<VideoSample> both = new ArrayList<>(train);
            both.addAll(val);
            log.accept("decoding " + both.size() + " videos and computing " + o.saliency() + " saliency");
            ClipStore store = ClipStore.ingest(both, classes, o.frames(), o.size(), o.saliency(), o.workers(), log);
            store.failures().forEach(f -> skipped.add(f.video() + ": " + f.reason()));
            trainClips = new ArrayList<>();
            valClips = new ArrayList<>();
            for (StoredClip c : store.clips()) {
                (DatasetReaders.normalizeSplit(c.sample().split()).equals("val") ? valClips : trainClips).add(c);
            }
            if (trainClips.isEmpty()) {
                throw new IllegalArgumentException("No training video could be read (" + skipped.size()
                        + " skipped, first: " + (skipped.isEmpty() ? "-" : skipped.get(0)) + ")");
            }
            // Only encoders that train see augmented clips: stage 1, or stage 2 end to end.
            boolean joint = o.joint() && (!(o.backbone() instanceof BackboneSpec.TorchScript) || o.finetune());
            TrainingClips.Augmentation augment = stage1 || joint ? o.augment() : TrainingClips.Augmentation.OFF;
            if (augment.enabled()) {
                log.accept("augmentation: " + augment.describe() + "; caching the frames of " + trainClips.size()
                        + " training videos");
            }
            training = TrainingClips.of(trainClips, augment, o.frames(), o.size(), o.saliency(), o.workers(), log);
            training.failures().forEach(f -> skipped.add(f.video() + ": not cached, trained on its evaluation clip: "
                    + f.reason()));
            if (training.varies()) {
                log.accept(String.format(java.util.Locale.ROOT, "frame cache: %d videos, %.1f MB", training.size(),
                        training.cacheBytes() / 1e6));
            }
        }

        /**
         * The encoders stage 1 starts from, or those a resumed run saved. Made before any video is
         * decoded, so that a bad backbone file (not TorchScript, a broken contract, a probe that
         * never ends) is refused at once, not after decoding the whole dataset.
         */
        StartEncoders startEncoders(NDManager manager) throws IOException {
            boolean haveEncoders = Files.isRegularFile(out.resolve(VideoPipeline.ENCODERS_FILE));
            if (o.resume() && haveEncoders && trained) {
                log.accept("resuming: reusing the stage-1 encoders in " + out);
                return new StartEncoders(pipeline.openEncoders(out, manager), true);
            }
            return new StartEncoders(Encoders.create(o.backbone(), o.sharing(), manager,
                    new ClipShape(o.frames(), o.size(), o.size()), o.finetune() || stage1, o.headOptions().seed()), false);
        }

        /** Encoders from {@link #startEncoders}; {@code resumed}: a resumed run's, already trained. */
        record StartEncoders(Encoders encoders, boolean resumed) {}

        /** The stage-1 encoders: trained now from {@code start} (and saved), or those a resumed run saved. */
        Encoders stage1Encoders(NDManager manager, StartEncoders start) throws IOException {
            if (start.resumed()) {
                return start.encoders();
            }
            Encoders encoders = start.encoders();
            if (stage1 && !runStage1(encoders, manager, classes.size(), training, valClips, o, out, fingerprint, log)) {
                return null;
            }
            if (trained) {
                VideoPipeline.saveEncoders(encoders, out);
            }
            for (VideoEncoder e : encoders.distinct()) {
                e.setTrainable(false);
            }
            return encoders;
        }

        /** Stage 2 on cached features of the frozen stage-1 encoders. */
        boolean frozen(List<VideoSample> train, List<VideoSample> val) throws IOException {
            Path cache = out.resolve(CACHE_DIR);
            Path trainCache = cache.resolve("train.npz");
            Path valCache = cache.resolve("val.npz");
            FeatureSet trainFeatures;
            FeatureSet valFeatures = null;
            try (NDManager manager = NDManager.newBaseManager()) {
                boolean haveEncoders = !trained || Files.isRegularFile(out.resolve(VideoPipeline.ENCODERS_FILE));
                boolean haveCache = Files.isRegularFile(trainCache) && (val.isEmpty() || Files.isRegularFile(valCache));
                if (o.resume() && haveEncoders && haveCache) {
                    log.accept("resuming: reusing the stage-1 encoders and the cached features in " + out);
                    trainFeatures = FeatureSet.load(trainCache);
                    valFeatures = val.isEmpty() ? null : FeatureSet.load(valCache);
                } else {
                    StartEncoders start = startEncoders(manager);
                    ingest(train, val);
                    Encoders encoders = stage1Encoders(manager, start);
                    if (encoders == null) {
                        return stoppedInStage1();
                    }
                    log.accept("extracting the features of the frozen encoders (cached in " + cache + ")");
                    trainFeatures = trainingFeatures(encoders, manager);
                    Files.createDirectories(cache);
                    trainFeatures.save(trainCache);
                    if (!valClips.isEmpty()) {
                        valFeatures = VideoFeatures.ofClips(encoders, manager, valClips, o.split(), 16);
                        valFeatures.save(valCache);
                    }
                }
            }
            pipeline.write(out);
            log.accept(String.format(java.util.Locale.ROOT,
                    "stage 2: %s on frozen features of %d training clips (T=%d, d=%d)%s, %d epochs",
                    o.head().name(), trainFeatures.count(), trainFeatures.frames(), trainFeatures.width(),
                    valFeatures == null ? "" : ", validating on " + valFeatures.count(), o.headOptions().epochs()));
            HeadTrainer.Result r = HeadTrainer.train(trainFeatures, valFeatures, o.head(), classes.size(),
                    o.headOptions(), Trainer.Seeding.PER_EPOCH, new Checkpoint(out.resolve(CHECKPOINT_DIR)
                            .resolve(HeadTrainer.STATE_FILE), fingerprint, o.resume(), o.stopAfterEpoch()), listener());
            if (!r.finished()) {
                log.accept("stopped after head epoch " + r.history().size() + "; continue with --resume");
                return false;
            }
            try (HeadModel model = r.model()) {
                write(model, r.history(), r.bestEpoch(), trainFeatures, valFeatures);
            }
            return true;
        }

        /**
         * Stage 2 of the whole model: the dictionaries from the stage-1 encoders' features, then the
         * encoders and the head trained together on the clips, with a checkpoint every epoch.
         */
        boolean joint(List<VideoSample> train, List<VideoSample> val) throws IOException {
            Path checkpoints = out.resolve(CHECKPOINT_DIR);
            Path stateFile = checkpoints.resolve(JointTrainer.STATE_FILE);
            Path dictFile = checkpoints.resolve(HeadModel.DICTIONARY_FILE);
            try (NDManager manager = NDManager.newBaseManager()) {
                StartEncoders start = startEncoders(manager);
                ingest(train, val);
                Encoders encoders = stage1Encoders(manager, start);
                if (encoders == null) {
                    return stoppedInStage1();
                }
                HeadConfig config = o.head();
                HeadShape shape = new HeadShape(o.frames(), encoders.featureWidth(), classes.size());
                HeadModel model;
                if (o.resume() && Files.isRegularFile(stateFile)) {
                    ConfounderDictionary z = config.backdoor() ? HeadModel.loadDictionary(dictFile, config.dictionary(),
                            org.ecrl4j.util.ChecksummedFile.CHECKPOINT) : null;
                    model = HeadModel.create(config, shape, z, null, o.headOptions().seed());
                } else {
                    log.accept("building the dictionaries with the stage-1 encoders");
                    FeatureSet f = trainingFeatures(encoders, manager);
                    var dicts = HeadTrainer.buildDictionaries(f, config, classes.size(), o.headOptions().seed());
                    Files.createDirectories(checkpoints);
                    if (dicts.getKey() != null) {
                        HeadModel.saveDictionary(dicts.getKey(), dictFile);
                    }
                    model = HeadModel.create(config, shape, dicts.getKey(), dicts.getValue(), o.headOptions().seed());
                }
                try (HeadModel m = model) {
                    log.accept(String.format(java.util.Locale.ROOT,
                            "stage 2: %s and its encoders trained together on %d training clips%s, %d epochs,"
                                    + " encoder learning rate %.2g x the head's%s", config.name(), trainClips.size(),
                            valClips.isEmpty() ? "" : ", validating on " + valClips.size(), o.headOptions().epochs(),
                            o.encoderLrScale(), o.bgSwap() > 0 ? ", background swap p=" + o.bgSwap() : ""));
                    JointTrainer.Result r = JointTrainer.train(encoders, m, manager, training, valClips,
                            new JointTrainer.Input(o.split(), o.bgSwap(), o.encoderLrScale()), o.headOptions(),
                            new Checkpoint(stateFile, fingerprint, o.resume(), o.stopAfterEpoch()),
                            listener());
                    if (!r.finished()) {
                        log.accept("stopped after stage-2 epoch " + r.history().size() + "; continue with --resume");
                        return false;
                    }
                    VideoPipeline.saveEncoders(encoders, out);
                    pipeline.write(out);
                    FeatureSet trainFeatures = VideoFeatures.ofClips(encoders, manager, trainClips, o.split(), 16);
                    FeatureSet valFeatures = valClips.isEmpty() ? null
                            : VideoFeatures.ofClips(encoders, manager, valClips, o.split(), 16);
                    // The final encoders' features, for heads trained later with train --features.
                    Path cache = out.resolve(CACHE_DIR);
                    Files.createDirectories(cache);
                    trainFeatures.save(cache.resolve("train.npz"));
                    if (valFeatures != null) {
                        valFeatures.save(cache.resolve("val.npz"));
                    }
                    write(m, r.history(), r.keptEpoch(), trainFeatures, valFeatures);
                }
            }
            return true;
        }

        private boolean stoppedInStage1() {
            log.accept("stopped during stage 1; continue with --resume");
            return false;
        }

        /** The train features of the encoders, plus one swapped copy of each video with the swap. */
        FeatureSet trainingFeatures(Encoders encoders, NDManager manager) {
            return FrozenHeads.trainingFeatures(encoders, manager, trainClips, o.split(), o.bgSwap() > 0,
                    o.headOptions().seed(), 16);
        }

        Trainer.Listener listener() {
            return new Trainer.Listener() {
                @Override
                public void onMessage(String message) {
                    log.accept("  " + message);
                }

                @Override
                public void onEpoch(EpochMetrics m) {
                    log.accept(String.format(java.util.Locale.ROOT,
                            "  stage-2 epoch %d/%d  loss %.4f  acc@1 %.3f%s  (%.1f s)", m.epoch(),
                            o.headOptions().epochs(), m.loss(), m.acc1(), Double.isNaN(m.valAcc1()) ? ""
                                    : String.format(java.util.Locale.ROOT, "  val acc@1 %.3f", m.valAcc1()),
                            m.seconds()));
                }
            };
        }

        /** Writes the head, config.json and metrics.json of the finished run. */
        void write(HeadModel model, List<EpochMetrics> history, int keptEpoch, FeatureSet trainFeatures,
                FeatureSet valFeatures) throws IOException {
            Map<String, Path> inputs = new LinkedHashMap<>();
            inputs.put("annotations", Files.isDirectory(o.annotations()) ? null : o.annotations());
            inputs.put("backbone", backboneFile);
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("train", Evaluation.of(model.logits(trainFeatures, 64), trainFeatures.labels(),
                    classes.size()).toJson());
            if (valFeatures != null) {
                results.put("val", Evaluation.of(model.logits(valFeatures, 64), valFeatures.labels(),
                        classes.size()).toJson());
            }
            if (!skipped.isEmpty()) {
                results.put("skipped_videos", skipped);
            }
            RunFolder.writeRun(out, model, o.headOptions(), classes, codeVersion, inputs, history, keptEpoch, results);
            log.accept("run written to " + out);
        }
    }

    /**
     * Stage 1 of each distinct encoder, with a checkpoint per stream after every epoch.
     *
     * @return false when it stopped early ({@link Options#stopAfterStage1Epoch})
     */
    private static boolean runStage1(Encoders encoders, NDManager manager, int classes, TrainingClips train,
            List<StoredClip> val, Options o, Path out, String fingerprint, Consumer<String> log) throws IOException {
        Files.createDirectories(out.resolve(CHECKPOINT_DIR));
        Map<String, Object> histories = new LinkedHashMap<>();
        Encoders.Stream[] streams = encoders.sharing() == EncoderSharing.SHARED ? new Encoders.Stream[] {Encoders.Stream.V}
                : Encoders.Stream.values();
        for (Encoders.Stream stream : streams) {
            ClipBatches.Stream input = switch (stream) {
                case V -> ClipBatches.Stream.WHOLE;
                case S -> ClipBatches.Stream.FOREGROUND;
                case C -> ClipBatches.Stream.BACKGROUND;
            };
            log.accept("stage 1: " + encoders.get(stream).describe() + " on stream " + stream + " with a plain"
                    + " classifier, " + o.stage1().epochs() + " epochs" + (o.bgSwap() > 0 ? ", background swap p="
                    + o.bgSwap() : ""));
            PooledClassifier c = new PooledClassifier(encoders.get(stream), classes);
            c.initialize(manager, DataType.FLOAT32, new Shape(1, 3, o.frames(), o.size(), o.size()));
            EncoderTrainer.Result r = EncoderTrainer.train(c, manager, classes, train, val,
                    new EncoderTrainer.Input(input, o.split(), o.bgSwap()),
                    o.stage1(), new Checkpoint(out.resolve(CHECKPOINT_DIR).resolve("stage1-"
                            + stream.name() + ".bin"), fingerprint, o.resume(), o.stopAfterStage1Epoch()), log);
            if (!r.finished()) {
                return false;
            }
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("history", r.history());
            h.put("kept_epoch", r.keptEpoch());
            histories.put(stream.name(), h);
        }
        AtomicFiles.writeString(out.resolve(STAGE1_FILE), RunFolder.json().writeValueAsString(histories));
        return true;
    }

    private static Path backboneFile(BackboneSpec spec) {
        if (spec instanceof BackboneSpec.TorchScript t) {
            return t.file();
        }
        if (spec instanceof BackboneSpec.BuiltinFile b) {
            return b.file();
        }
        return null;
    }

    /** Refuses to overwrite a run, or to resume one started with another request. */
    private static void checkRequest(Path out, Request request, boolean resume) throws IOException {
        Path file = out.resolve(REQUEST_FILE);
        boolean exists = Files.isRegularFile(file) || Files.isRegularFile(out.resolve(RunFolder.CONFIG_FILE));
        if (!resume) {
            if (exists) {
                throw new IOException(out + " already holds a run; pass --resume to continue it, or choose another --out");
            }
            return;
        }
        if (!Files.isRegularFile(file)) {
            if (exists) {
                throw new IOException(out + " holds a run that was not trained on videos with this version; it cannot"
                        + " be resumed: choose another --out");
            }
            return; // nothing to resume: start afresh
        }
        var written = RunFolder.json().readTree(file.toFile());
        // Through text, so that float fields compare as the file holds them.
        var now = RunFolder.json().readTree(RunFolder.json().writeValueAsString(request));
        if (!written.equals(now)) {
            List<String> diff = new ArrayList<>();
            written.fieldNames().forEachRemaining(k -> {
                if (!written.get(k).equals(now.get(k))) {
                    diff.add(k);
                }
            });
            throw new IOException(out + " was started with another configuration (differs in " + diff + "); resume"
                    + " with the same options as the first run, or choose another --out");
        }
    }
}
