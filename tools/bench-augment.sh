#!/usr/bin/env bash
# Issue 12: the cost of training-time augmentation. Trains the default (ecrl-plus) on a benchmark
# with --augment off and on in alternating rounds (same options, same threads, same machine) and
# prints each run's wall time (decoding, the frame cache, stage 1 and stage 2) and the ratio on/off.
#
#   tools/bench-augment.sh BENCHMARK_DIR OUT_DIR [ROUNDS]
#
# BENCHMARK_DIR: a benchmark of `ecrl4j synth` (e.g. demo-out/benchmark); OUT_DIR must not exist.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ecrl4j="${ECRL4J:-$here/../ecrl4j}"
data="${1:?usage: bench-augment.sh BENCHMARK_DIR OUT_DIR [ROUNDS]}"
out="${2:?usage: bench-augment.sh BENCHMARK_DIR OUT_DIR [ROUNDS]}"
rounds="${3:-2}"
[ -e "$out" ] && { echo "bench-augment.sh: $out exists; choose another OUT_DIR" >&2; exit 2; }
mkdir -p "$out"
declare -A total=([off]=0 [on]=0)
for round in $(seq 1 "$rounds"); do
  for aug in off on; do
    s=$(date +%s.%N)
    "$ecrl4j" train --data "$data" --size 48 --frames 8 --stage1-epochs 5 --epochs 3 --lr 1e-3 --seed 1 \
        --threads 2 --augment "$aug" --out "$out/$aug-$round" > "$out/$aug-$round.log" 2>&1
    t=$(echo "$(date +%s.%N) - $s" | bc)
    total[$aug]=$(echo "${total[$aug]} + $t" | bc)
    printf 'round %d  --augment %-3s  %7.1f s\n' "$round" "$aug" "$t"
  done
done
printf 'total: off %.1f s, on %.1f s, ratio on/off %.2f\n' "${total[off]}" "${total[on]}" \
    "$(echo "${total[on]} / ${total[off]}" | bc -l)"
