package org.ecrl4j.nn;

/** Which of the saliency streams feed the head besides the whole-frame stream (Table 3 rows). */
public enum Branch {
    /** No foreground or background stream (row base). */
    NONE,
    /** fc_s(F_rs) on the foreground stream alone (row +FCM; the fg-only configuration). */
    FOREGROUND,
    /** fc_c(F_rc) on the background stream alone (row +BCM). */
    BACKGROUND,
    /** Both streams joined, J = Ψ(F_rs, F_rc) (rows +FCM+BCM and later). */
    JOINT
}
