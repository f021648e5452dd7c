package org.ecrl4j.spark;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;

/**
 * How ecrl4j starts Spark: {@code spark.task.cpus} = the engine's threads (libtorch and Spark do not
 * oversubscribe the cores), the engine's settings passed to the executors, and, for a cluster, the
 * project's jars shipped.
 */
final class Sessions {
    /** The master of the reader behind {@code train --features FOLDER}: one core in this JVM. */
    static final String LOCAL_READER = "local[1]";
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]");

    private Sessions() {}

    /**
     * A session; under {@code spark-submit} (which sets {@code spark.master}) its master wins over
     * {@code master}.
     */
    static SparkSession open(String master, String app, int threads, Map<String, String> conf) {
        synchronized (Sessions.class) {
            if (held != null && !held.sparkContext().isStopped()) {
                return held;
            }
        }
        SparkSession.Builder b = SparkSession.builder().appName(app);
        boolean submitted = System.getProperty("spark.master") != null;
        String m = submitted ? System.getProperty("spark.master") : master;
        if (!submitted) {
            if (master == null) {
                throw new IllegalArgumentException("--spark needs a master: local[N], spark://HOST:7077, yarn or"
                        + " k8s://...");
            }
            b.master(master);
        }
        Matcher local = LOCAL.matcher(m == null ? "" : m);
        if (local.matches() && !local.group(1).equals("*") && Integer.parseInt(local.group(1)) < threads) {
            throw new IllegalArgumentException("--threads " + threads + " is more than the " + local.group(1)
                    + " cores of --spark " + m + "; no task could start (spark.task.cpus = --threads)");
        }
        b.config("spark.task.cpus", Integer.toString(threads));
        b.config("spark.executorEnv.OMP_NUM_THREADS", Integer.toString(threads));
        b.config("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        b.config("spark.executor.extraJavaOptions", "-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=" + threads
                + " -Dai.djl.pytorch.num_interop_threads=1 -D" + org.ecrl4j.util.Precision.PROPERTY + "="
                + org.ecrl4j.util.Precision.processDefault().label()); // executors in JVMs of their own
        b.config("spark.ui.showConsoleProgress", "false");
        if (local.matches() && !submitted) {
            // This JVM is the whole cluster: no web UI (Jetty's start costs a second) unless asked for,
            // and the loopback address (no host name lookup).
            b.config("spark.ui.enabled", "false");
            b.config("spark.driver.host", "127.0.0.1");
            b.config("spark.driver.bindAddress", "127.0.0.1");
        }
        if (!submitted && !local.matches() && !conf.containsKey("spark.jars")
                && !conf.containsKey("spark.executor.extraClassPath")) {
            List<String> jars = projectJars();
            if (!jars.isEmpty()) {
                b.config("spark.jars", String.join(",", jars));
            }
        }
        conf.forEach(b::config);
        SparkSession s = b.getOrCreate();
        s.sparkContext().setLogLevel("WARN");
        return s;
    }

    /** What a local-mode job loads into this JVM before its first task can run. */
    interface Load {
        void run() throws Exception;
    }

    /**
     * In local mode (this JVM is the executor): loads the backbone or run ({@code load}) and the
     * classes of the Parquet writer in a background thread while the session starts, instead of in
     * the first task after it (both take seconds). Returns null elsewhere (a cluster's executors
     * load them themselves). A failure is left to the task, which loads again and reports it.
     */
    static Thread preload(String master, Load load) {
        String m = System.getProperty("spark.master") != null ? System.getProperty("spark.master") : master;
        if (m == null || !m.startsWith("local")) {
            return null;
        }
        Thread t = new Thread(() -> {
            try {
                load.run();
                // the first Parquet file of a JVM costs a second or two (Hadoop's file system, the writer,
                // Snappy): an empty one, written to a temporary folder and deleted
                Path dir = Files.createTempDirectory("ecrl4j-warm-up");
                try {
                    PartitionFiles.write(dir.toUri().toString(), 0, List.of());
                } finally {
                    SparkJobs.deleteTree(dir);
                }
            } catch (Exception | LinkageError e) {
                // the first task loads again and reports it
            }
        }, "ecrl4j-preload");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits for {@link #preload} (so its time is not hidden in the first tasks' figures). */
    static void join(Thread preload) throws InterruptedException {
        if (preload != null) {
            preload.join();
        }
    }

    /** The session kept up by {@link #hold} (null: none). */
    private static SparkSession held;

    /** Keeps {@code s} up: {@link #open} returns it and {@link #close} leaves it, until {@link #release}. */
    static synchronized void hold(SparkSession s) {
        held = s;
    }

    /** Ends {@link #hold} and stops the session. */
    static void release() {
        SparkSession s;
        synchronized (Sessions.class) {
            s = held;
            held = null;
        }
        if (s != null) {
            close(s);
        }
    }

    /** Stops a session that ecrl4j started (not the one of spark-submit, which stops it itself). */
    static void close(SparkSession s) {
        synchronized (Sessions.class) {
            if (s == held) {
                return;
            }
        }
        if (System.getProperty("spark.master") == null) {
            s.stop();
        }
    }

    /**
     * The jar this class was loaded from and the jars its manifest names (target/lib): what a
     * cluster's executors need. Empty when running from classes (tests set the class path).
     */
    static List<String> projectJars() {
        List<String> jars = new ArrayList<>();
        try {
            Path self = Path.of(Sessions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(self)) {
                return jars;
            }
            jars.add(self.toString());
            try (JarFile jar = new JarFile(self.toFile())) {
                String cp = jar.getManifest() == null ? null
                        : jar.getManifest().getMainAttributes().getValue("Class-Path");
                if (cp != null) {
                    for (String entry : cp.trim().split("\\s+")) {
                        File f = self.resolveSibling(entry).toFile();
                        if (f.isFile()) {
                            jars.add(f.getPath());
                        }
                    }
                }
            }
        } catch (URISyntaxException | java.io.IOException | SecurityException e) {
            // no jar to ship: the cluster must have the classes (spark.executor.extraClassPath)
        }
        return jars;
    }
}
