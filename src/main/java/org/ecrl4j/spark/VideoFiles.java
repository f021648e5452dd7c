package org.ecrl4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * A task's videos as local files for the decoder: a video of the local file system is read where it
 * is; one of another Hadoop file system ({@code hdfs://}, {@code s3a://}, any scheme of the Hadoop
 * configuration, {@code spark.hadoop.*} settings included) is copied to a temporary file of the
 * executor, deleted when closed. Video bytes never travel in rows.
 */
final class VideoFiles {
    /** How many videos this JVM has copied from a non-local file system (a check for tests). */
    static int copied;

    private VideoFiles() {}

    /** A video as a local file; {@link #close} deletes it when it is a temporary copy. */
    record Local(Path file, boolean temporary) implements AutoCloseable {
        @Override
        public void close() {
            if (temporary) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    file.toFile().deleteOnExit();
                }
            }
        }

        /** {@code message} with the temporary file's name replaced by the video's URI. */
        String named(String message, String uri) {
            return temporary && message != null ? message.replace(file.toString(), uri) : message;
        }
    }

    /**
     * The video of {@code item} as a local file.
     *
     * @throws IOException naming the video's URI when it cannot be read
     */
    static Local fetch(SparkJobs.Item item) throws IOException {
        if (!item.remote()) {
            return new Local(Path.of(item.path()), false);
        }
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(java.net.URI.create(item.path()));
        FileSystem fs;
        try {
            fs = src.getFileSystem(hadoopConf());
        } catch (IOException e) {
            throw new IOException(item.path() + ": no Hadoop file system for this URI (" + e.getMessage() + "); configure"
                    + " it with --spark-conf spark.hadoop.fs.SCHEME.impl=... or the cluster's core-site.xml", e);
        }
        if ("file".equals(fs.getScheme())) {
            return new Local(Path.of(src.toUri().getPath()), false);
        }
        String name = src.getName();
        int dot = name.lastIndexOf('.');
        Path tmp = Files.createTempFile("ecrl4j-video-", dot < 0 ? "" : name.substring(dot));
        try {
            fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(tmp.toUri()), true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw new IOException(item.path() + ": cannot be read (" + e.getMessage() + "); check the path against"
                    + " --video-root", e);
        }
        synchronized (VideoFiles.class) {
            copied++;
        }
        return new Local(tmp, true);
    }

    /** The Hadoop configuration of the executor's Spark settings ({@code spark.hadoop.*}). */
    static Configuration hadoopConf() {
        SparkEnv env = SparkEnv.get();
        return env == null ? new Configuration() : SparkHadoopUtil.get().newConfiguration(env.conf());
    }
}
