#!/usr/bin/python3
"""An outside reference of the ECRL head, in PyTorch, written from the paper (ACM MM 2024, Eq. 2-15)
and /work/shared/docs/MODEL.md sections 2-6, not from ecrl4j's Java.

It reads the parameters ecrl4j exports (ParameterArchive: a .npz named by block, Linear weights
(out, in) as torch.nn.Linear holds them), runs the stored inputs in float64, and writes the logits,
the loss and the gradient of the loss with respect to every parameter.

    ecrl_head.py DIR        for every case of DIR/cases.json, reads DIR/inputs.npz and
                            DIR/<case>.params.npz, writes DIR/<case>.expected.npz

What it computes itself rather than reading from ecrl4j:
  - the confounder dictionary Z and prior p of the back-door adjustment (MODEL.md 3, the
    `background` dictionary: class averages of the background stream's frame-mean features; prior
    the class frequency);
  - the global dictionary G of the front-door path (MODEL.md 4: k-means over the training features
    of the stream GLCA reads; Lloyd's algorithm from a farthest-first start), so that a G that ecrl4j
    did not start from the k-means centres shows as a difference.

Names of the parameters (the block path, then weight/bias):
  video_fc                    fc(mean F_v)                         (Table 3 rows with the V logit)
  fcm.* / bcm.*               CCM of S / of C (MODEL.md 2):
      tsc.position            P (T, d)
      tsc.query|key|value     the projections of the temporal self-attention
      context                 W_u, b_u
      score                   w_e
      output                  W_rho, b_rho
  psi                         W_psi, b_psi (J)
  backdoor.query|key          W_q, W_k (dot or additive mu)
  backdoor.additive_score     w_t
  backdoor.wa|wb              W_a, W_b of Eq. 6
  branch_fc                   classifier_1 (or fc_s, fc_c, fc_j on the rows without BD)
  glca.global_dictionary      G (K_g, d)  -- replaced by this script's own k-means centres
  glca.local|global.*         the attention unit A(Q, X) (MODEL.md 4):
      wv, wq, wk              W_v, W_q, W_k
      wh_value, wh_query_key  the two column blocks of W_h acting on [W_v X ; (W_q q) * (W_k X)];
                              b_h is wh_value.bias
      wa                      w_a (b_a: a bias is used when the file holds one; it cannot change
                              a softmax over n, so ecrl4j leaves it out)
  glca.fusion                 W_f, b_f (Eq. 15's F_fd)
  frontdoor_fc                classifier_2

Where MODEL.md does not say whether a projection has a bias, the bias is applied when the file
holds one (an affine map either way). W_a of Eq. 6 carries a bias in ecrl4j (documented in its
Javadoc: S1 = classifier_1(F_cc) absorbs it, so the model's function class is the same).
"""
import json
import math
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)


def affine(P, name, x):
    """x W^T (+ b when the file has a bias for this block)."""
    y = x @ P[name + ".weight"].T
    b = P.get(name + ".bias")
    return y if b is None else y + b


def ccm(P, prefix, x, mode):
    """Cross-frame correlation modelling (paper Eq. 2; MODEL.md 2). x (B,T,d) -> F_r (B,d)."""
    if mode == "none":
        return x.mean(dim=1)  # rows +FCM, +BCM, +FCM+BCM: F_r = frame mean of the raw stream
    if mode == "ccm_tsc":
        d = x.shape[-1]
        h = x + P[prefix + ".tsc.position"]  # H = X + P
        q = affine(P, prefix + ".tsc.query", h)
        k = affine(P, prefix + ".tsc.key", h)
        v = affine(P, prefix + ".tsc.value", h)
        # scaled dot-product attention over the T frames: every query frame's weights over the key
        # frames sum to one (softmax over the last axis of (B, T_query, T_key)), scaled by sqrt(d)
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(d), dim=2)
        x = x + att @ v  # X' = X + TSA(X + P)
    xbar = x.mean(dim=1)  # (B,d)
    u = torch.tanh(affine(P, prefix + ".context", xbar))  # u = tanh(W_u xbar + b_u)
    scores = affine(P, prefix + ".score", u.unsqueeze(1) * x).squeeze(-1)  # w_e . (u ⊙ X'_t)  (B,T)
    w = torch.softmax(scores, dim=1)  # softmax over the frames
    pooled = (w.unsqueeze(-1) * x).sum(dim=1)
    return affine(P, prefix + ".output", torch.cat([pooled, xbar], dim=-1))  # W_rho [Σ w X' ; xbar] + b_rho


def backdoor(P, case, j, z, p):
    """Back-door adjustment (Eq. 4-7; MODEL.md 3): F_cc = W_a J + W_b E_z."""
    k = z.shape[0]
    if not case["use_mu"]:
        mu = torch.ones(j.shape[0], k)
    else:
        q = affine(P, "backdoor.query", j)  # (B, d_a)
        kz = affine(P, "backdoor.key", z)  # (K, d_a)
        if case["bd_attention"] == "dot":
            mu = torch.softmax(q @ kz.T / math.sqrt(q.shape[-1]), dim=1)  # over the K_c entries
        else:
            hidden = torch.tanh(q.unsqueeze(1) + kz.unsqueeze(0))  # (B,K,d_a)
            mu = torch.softmax(affine(P, "backdoor.additive_score", hidden).squeeze(-1), dim=1)
    prior = p if case["use_prior"] else torch.full((k,), 1.0 / k)
    ez = (mu * prior.unsqueeze(0)) @ z  # E_z = Σ_i mu_i p_i z_i  (Eq. 7)
    return affine(P, "backdoor.wa", j) + affine(P, "backdoor.wb", ez)  # Eq. 6


def attention_unit(P, prefix, q_frames, x):
    """A(Q, X) (Eq. 12-15; MODEL.md 4). q_frames (B,T,d); x (B,N,d) or (N,d) -> (B,d)."""
    if x.dim() == 2:
        x = x.unsqueeze(0).expand(q_frames.shape[0], -1, -1)
    qbar = q_frames.mean(dim=1)  # (B,d)
    fused_value = affine(P, prefix + ".wv", x)  # W_v X_n
    fused_qk = affine(P, prefix + ".wq", qbar).unsqueeze(1) * affine(P, prefix + ".wk", x)  # (W_q q) ⊙ (W_k X_n)
    h = torch.cat([fused_value, fused_qk], dim=-1)  # h_n = [W_v X_n ; (W_q q) ⊙ (W_k X_n)]
    w_h = torch.cat([P[prefix + ".wh_value.weight"], P[prefix + ".wh_query_key.weight"]], dim=1)
    hidden = torch.relu(h @ w_h.T + P[prefix + ".wh_value.bias"])  # ReLU(W_h h_n + b_h)
    a = torch.softmax(affine(P, prefix + ".wa", hidden).squeeze(-1), dim=1)  # softmax over the N candidates
    return (a.unsqueeze(-1) * x).sum(dim=1)


def glca(P, f_l, g):
    """Global-local causal attention (Eq. 8-15): F_fd = W_f [A(F_L, F_L) ; A(F_L, G)] + b_f."""
    f_ll = attention_unit(P, "glca.local", f_l, f_l)
    f_lg = attention_unit(P, "glca.global", f_l, g)
    return affine(P, "glca.fusion", torch.cat([f_ll, f_lg], dim=-1))


def head_logits(P, case, fv, fs, fc, z, p, g):
    """The logits S of MODEL.md section 6's table for one configuration."""
    terms = []
    if case["video_logit"]:
        terms.append(affine(P, "video_fc", fv.mean(dim=1)))  # fc(mean F_v)
    branch = case["branch"]
    if branch != "none":
        mode = case["cross_frame"]
        if branch == "joint":
            j = affine(P, "psi", torch.cat([ccm(P, "fcm", fs, mode), ccm(P, "bcm", fc, mode)], dim=-1))
            rep = backdoor(P, case, j, z, p) if case["backdoor"] else j
        elif branch == "foreground":
            rep = ccm(P, "fcm", fs, mode)
        else:
            rep = ccm(P, "bcm", fc, mode)
        terms.append(affine(P, "branch_fc", rep))  # S1 (or fc_s, fc_c, fc_j)
    if case["frontdoor"]:
        f_l = fs if case["glca_stream"] == "s" else fv
        terms.append(affine(P, "frontdoor_fc", glca(P, f_l, g)))  # S2
    s = terms[0]
    for t in terms[1:]:
        s = s + t  # S = S1 + S2 (+ fc(mean F_v))
    return s


def background_dictionary(fc, labels, classes):
    """Z: class averages of the frame-mean background features; p: class frequency (MODEL.md 3)."""
    pooled = fc.mean(dim=1)
    z = torch.stack([pooled[labels == c].mean(dim=0) for c in range(classes)])
    p = torch.tensor([(labels == c).sum().item() / len(labels) for c in range(classes)])
    return z, p


def kmeans(rows, k, iterations=100):
    """Lloyd's k-means from a farthest-first start; returns the k centres (means of their members)."""
    centres = [rows[0]]
    for _ in range(1, k):
        dist = torch.cdist(rows, torch.stack(centres)).min(dim=1).values
        centres.append(rows[int(dist.argmax())])
    centres = torch.stack(centres)
    assign = None
    for _ in range(iterations):
        new = torch.cdist(rows, centres).argmin(dim=1)
        if assign is not None and torch.equal(new, assign):
            break
        assign = new
        centres = torch.stack([rows[assign == c].mean(dim=0) for c in range(k)])
    return centres


def run_case(directory, case, inputs):
    params = np.load(f"{directory}/{case['name']}.params.npz")
    P = {name: torch.tensor(params[name].astype(np.float64), requires_grad=True) for name in params.files}
    fv, fs, fc = (torch.tensor(inputs[k].astype(np.float64)) for k in ("F_v", "F_s", "F_c"))
    labels = torch.tensor(inputs["labels"].astype(np.int64))
    classes = int(inputs["classes"][0])
    out = {}
    z = p = g = None
    if case["backdoor"]:
        if case["dictionary"] != "background":
            raise SystemExit(f"case {case['name']}: only the background dictionary is reproduced here")
        z, p = background_dictionary(fc, labels, classes)
        out["Z"], out["p"] = z.numpy(), p.numpy()
    if case["frontdoor"]:
        stream = fs if case["glca_stream"] == "s" else fv
        centres = kmeans(stream.reshape(-1, stream.shape[-1]), case["global_entries"])
        g = centres.clone().requires_grad_(True)
        P["glca.global_dictionary"] = g
        out["G"] = centres.numpy()
    logits = head_logits(P, case, fv, fs, fc, z, p, g)
    loss = torch.nn.functional.cross_entropy(logits, labels)  # mean over the batch
    loss.backward()
    out["logits"] = logits.detach().numpy()
    out["loss"] = np.array([loss.item()])
    for name, t in P.items():
        if t.grad is None:
            raise SystemExit(f"case {case['name']}: parameter {name} is not used by the reference")
        out["grad." + name] = t.grad.numpy()
    np.savez(f"{directory}/{case['name']}.expected.npz", **out)
    return loss.item()


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: ecrl_head.py DIR")
    directory = sys.argv[1]
    with open(f"{directory}/cases.json") as f:
        cases = json.load(f)
    inputs = np.load(f"{directory}/inputs.npz")
    for case in cases:
        loss = run_case(directory, case, inputs)
        print(f"{case['name']}: loss {loss:.6f}")


if __name__ == "__main__":
    main()
