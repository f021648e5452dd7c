package org.ecrl4j.nn;

/** An open inference cache of a head (see {@link EcrlHead#cacheForInference}); closing it frees the cached arrays. */
public interface InferenceCache extends AutoCloseable {
    @Override
    void close();
}
