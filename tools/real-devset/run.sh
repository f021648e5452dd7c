#!/usr/bin/env bash
# The real development set of issue 17: trains and tests CONFIGS x SEEDS on the surveillance-fight
# clips with the fixed split in fight-split.csv, then prints test Acc@1 mean ± std per configuration.
#
#   tools/real-devset/run.sh DATASET_DIR OUT_DIR [SEEDS] [CONFIGS] [-- extra train options]
#
# DATASET_DIR holds fight/ and noFight/ (a copy of github.com/seymanurakti/fight-detection-surv-dataset);
# the split is copied into it as ecrl4j-devset.csv (annotation paths must stay inside the dataset root).
# OUT_DIR must be absent or a folder of an earlier run of this script. Defaults: SEEDS "1 2 3",
# CONFIGS "base ecrl ecrl-plus fg-only base-swap"; every run: --preset scratch --size 64 (issue 17).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ecrl4j="${ECRL4J:-$here/../../ecrl4j}"   # ECRL4J: another launcher (e.g. a fixed build)
data="${1:?usage: run.sh DATASET_DIR OUT_DIR [SEEDS] [CONFIGS] [-- extra train options]}"
out="${2:?usage: run.sh DATASET_DIR OUT_DIR [SEEDS] [CONFIGS] [-- extra train options]}"
seeds="${3:-1 2 3}"
configs="${4:-base ecrl ecrl-plus fg-only base-swap}"
shift $(( $# < 4 ? $# : 4 ))
[ "${1:-}" = "--" ] && shift
extra=("$@")
for d in fight noFight; do
  [ -d "$data/$d" ] || { echo "run.sh: $data/$d is missing; DATASET_DIR must hold fight/ and noFight/" >&2; exit 2; }
done
cp "$here/fight-split.csv" "$data/ecrl4j-devset.csv"
mkdir -p "$out"
for config in $configs; do
  for seed in $seeds; do
    run="$out/$config-s$seed"
    if [ -f "$run/test.json" ]; then
      echo "== $config seed $seed: done before ($run/test.json)"
      continue
    fi
    rm -rf "$run"
    echo "== $config seed $seed"
    start=$(date +%s)
    "$ecrl4j" train --data "$data/ecrl4j-devset.csv" --config "$config" --preset scratch --size 64 \
        --seed "$seed" --out "$run" "${extra[@]}" 2> "$out/$config-s$seed.log"
    "$ecrl4j" eval --run "$run" --data "$data/ecrl4j-devset.csv" --split test --json > "$run/test.json.tmp" \
        2>> "$out/$config-s$seed.log"
    mv "$run/test.json.tmp" "$run/test.json"
    echo "   $(( $(date +%s) - start )) s"
  done
done
/usr/bin/python3 - "$out" $configs <<'PY'
import json, statistics, sys, glob, os, re
out, configs = sys.argv[1], sys.argv[2:]
def acc1(j):
    return j["splits"]["test"]["acc1"]
print("| configuration | seeds | test Acc@1 mean ± std | per seed |")
print("| --- | --- | --- | --- |")
for c in configs:
    # exactly C-sN: the runs of "base" are not those of "base-swap"
    xs = [acc1(json.load(open(f))) for f in sorted(glob.glob(os.path.join(out, "*", "test.json")))
          if re.fullmatch(re.escape(c) + r"-s\d+", os.path.basename(os.path.dirname(f)))]
    if xs:
        sd = statistics.stdev(xs) if len(xs) > 1 else 0.0
        print(f"| {c} | {len(xs)} | {statistics.mean(xs):.3f} ± {sd:.3f} | {', '.join(f'{x:.3f}' for x in xs)} |")
PY
