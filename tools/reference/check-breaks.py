#!/usr/bin/python3
"""Breaks each checked block of the head on purpose, one at a time, runs the golden and known-answer
tests (GoldenHeadTest, LossesTest, AblationRowsDifferTest) and reports how many fail; the file is
restored (git checkout) after each break. Run from the repository root:

    python3 tools/reference/check-breaks.py [INDEX...]

Every break must make at least one test fail (docs/MODEL-AND-CONFIGURATIONS.md lists the results).
"""
import subprocess, sys, re
B = [
 ("TSC scaling: 1/sqrt(d) removed", "src/main/java/org/ecrl4j/nn/TemporalSelfAttention.java",
  "1 / Math.sqrt(width)", "1.0"),
 ("TSC softmax axis: over queries (axis 1) instead of keys", "src/main/java/org/ecrl4j/nn/TemporalSelfAttention.java",
  "NDArray attention = scores.softmax(-1);", "NDArray attention = scores.softmax(1);"),
 ("BD dot attention: 1/sqrt(d_a) removed", "src/main/java/org/ecrl4j/nn/BackdoorAdjustment.java",
  "1 / Math.sqrt(attentionWidth)", "1.0"),
 ("BD attention: softmax over the batch instead of the dictionary", "src/main/java/org/ecrl4j/nn/BackdoorAdjustment.java",
  "mu = scores.softmax(-1);", "mu = scores.softmax(0);"),
 ("BD additive attention: tanh dropped", "src/main/java/org/ecrl4j/nn/BackdoorAdjustment.java",
  "q.expandDims(1).add(kz.expandDims(0)).tanh()", "q.expandDims(1).add(kz.expandDims(0))"),
 ("Eq. 15 fusion: (W_q q) + (W_k X) instead of the Hadamard product", "src/main/java/org/ecrl4j/nn/CausalAttentionUnit.java",
  "qm.expandDims(1).mul(shared ? key.expandDims(0) : key)", "qm.expandDims(1).add(shared ? key.expandDims(0) : key)"),
 ("GLCA W_f: [F_LG ; F_LL] instead of [F_LL ; F_LG]", "src/main/java/org/ecrl4j/nn/GlobalLocalCausalAttention.java",
  "NDArrays.concat(new NDList(ll.get(0), lg.get(0)), -1)", "NDArrays.concat(new NDList(lg.get(0), ll.get(0)), -1)"),
 ("S = S1 + S2: S = S1 - S2", "src/main/java/org/ecrl4j/nn/EcrlHead.java",
  "logits = logits.add(it.next().logits(ps, x, training, out));", "logits = logits.sub(it.next().logits(ps, x, training, out));"),
 ("S = S1 + S2: the last term dropped (S = S1)", "src/main/java/org/ecrl4j/nn/EcrlHead.java",
  "logits = logits.add(it.next().logits(ps, x, training, out));", "it.next().logits(ps, x, training, out);"),
 ("k-means centres not loaded into G (line deleted)", "src/main/java/org/ecrl4j/train/HeadModel.java",
  "head.glca().ifPresent(g -> g.setGlobalInitializer(flat));", ""),
 ("cross entropy: sum over the batch instead of the mean", "src/main/java/org/ecrl4j/nn/Losses.java",
  ".sum(new int[] {1}).neg().mean();", ".sum(new int[] {1}).neg().sum();"),
 ("cross entropy: softmax instead of log-softmax", "src/main/java/org/ecrl4j/nn/Losses.java",
  "logits.logSoftmax(-1)", "logits.softmax(-1)"),
 ("background dictionary prior: uniform instead of class frequency (without prior ignored)", "src/main/java/org/ecrl4j/nn/BackdoorAdjustment.java",
  "NDArray prior = usePrior ? p : step.full(new Shape(k), 1f / k);", "NDArray prior = p;"),
 ("Table 4: 'without prior' row keeps the prior", "src/main/java/org/ecrl4j/recipe/Recipes.java",
  'withHead(bd.toBuilder().usePrior(false).build())', 'withHead(bd.toBuilder().usePrior(true).build())'),
]
sel = [int(a) for a in sys.argv[1:]] if len(sys.argv) > 1 else range(len(B))
for i in sel:
    name, f, old, new = B[i]
    s = open(f).read()
    assert s.count(old) == 1, (name, s.count(old))
    open(f, 'w').write(s.replace(old, new))
    try:
        r = subprocess.run(["mvn", "-B", "-o", "test", "-Dtest=GoldenHeadTest,LossesTest,AblationRowsDifferTest",
                            "-Dsurefire.failIfNoSpecifiedTests=false"], capture_output=True, text=True, timeout=900)
        out = r.stdout
        fails = sorted(set(re.findall(r"\[ERROR\]\s+(\S+?)(?:\.|:)\S*\s", out)))
        lines = [l for l in out.splitlines() if "Tests run:" in l and "in org" not in l]
        msgs = sorted(set(re.findall(r"AssertionFailedError: ([^=\n]{0,110})", out)))
        print(f"[{i}] {name}\n   {lines[-1] if lines else out[-300:]}\n   first failures: {msgs[:4]}", flush=True)
    finally:
        subprocess.run(["git", "checkout", "--", f])
