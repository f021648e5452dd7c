/** Performance measurement of the ECRL head: timed training and inference, FLOP counts, the PyTorch peer. */
package org.ecrl4j.perf;
