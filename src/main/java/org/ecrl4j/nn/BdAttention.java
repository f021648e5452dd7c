package org.ecrl4j.nn;

/** The attention μ of the back-door adjustment over the confounder dictionary (paper Table 4). */
public enum BdAttention {
    /** μ = softmax_i((W_q J)·(W_k z_i) / sqrt(d_a)), the default. */
    DOT,
    /** μ = softmax_i(w_t · tanh(W_q J + W_k z_i)). */
    ADDITIVE
}
