/** Annotation formats, datasets, NumPy tensor files and the feature cache. */
package org.ecrl4j.data;
