package org.ecrl4j.spark;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A Hadoop file system of its own scheme, {@code testfs:///PATH} = the local file PATH, registered
 * in a job's Hadoop configuration by {@code spark.hadoop.fs.testfs.impl}: to test, offline, that
 * videos of a non-local scheme go through Hadoop's FileSystem (as {@code hdfs://} and {@code s3a://}
 * do) and are copied to a local temporary file for the decoder.
 */
public class SchemeFileSystem extends RawLocalFileSystem {
    @Override
    public URI getUri() {
        return URI.create("testfs:///");
    }

    @Override
    public String getScheme() {
        return "testfs";
    }
}
