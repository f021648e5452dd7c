/** Saliency maps (static, motion, learned) and the foreground/background split of MODEL.md section 1.3. */
package org.ecrl4j.saliency;
