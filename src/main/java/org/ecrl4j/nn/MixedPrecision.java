package org.ecrl4j.nn;

import org.ecrl4j.util.Precision;

/** A block whose matrix work follows a {@link Precision}; {@link EcrlHead#setPrecision} sets it on all of them. */
interface MixedPrecision {
    void setPrecision(Precision precision);
}
