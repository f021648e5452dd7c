/** The built-in Confounded Events benchmark: event renderer, confounded splits, video writer and oracle masks. */
package org.ecrl4j.synth;
