/**
 * Video encoders M_v, M_s, M_c (MODEL.md section 1.5): the contract {@code (B,3,T,H,W) -> (B,T,d)},
 * the built-in backbone trained from scratch, imported TorchScript backbones, and their sharing
 * across the three streams.
 */
package org.ecrl4j.nn.backbone;
