#!/usr/bin/env bash
# Spark's overhead on extraction (issue 13): the same videos through single-process `extract`
# (--workers N) and `extract --spark local[N]` (and local[1] for the scaling table), in alternating
# rounds in one run, same libtorch threads (1) on both sides. Each run is a fresh JVM and its wall
# time is measured from outside, so Spark's start-up is counted against it.
#
#   bench/spark-extract.sh ANNOTATIONS [SPLIT] [ROUNDS] [N]
#
# Uses the jars in $ECRL4J_JARS (default: target; build them with `mvn -DskipTests package`);
# $ECRL4J_EXTRACT_ARGS is added to every extract (e.g. "--backbone torchscript:r2plus1d.pt --size 112").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:?usage: bench/spark-extract.sh ANNOTATIONS [SPLIT] [ROUNDS] [N]}"
split="${2:-train}"
rounds="${3:-2}"
n="${4:-2}"
jars="${ECRL4J_JARS:-$here/target}"
[ -f "$jars/ecrl4j.jar" ] && [ -d "$jars/spark-lib" ] || { echo "no $jars/ecrl4j.jar and $jars/spark-lib: run mvn -DskipTests package" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=1
opens=()
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
    java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
java_run() { java -Xmx3g -Dai.djl.offline=true "${opens[@]}" -cp "$jars/ecrl4j.jar:$jars/spark-lib/*" org.ecrl4j.cli.Main "$@"; }
videos=$(java_run extract --data "$data" --split "$split" --out "$work/count.npz" --workers "$n" --frames 1 --size 8 2>/dev/null \
  | sed -n 's/^wrote .*: \([0-9]*\) videos.*/\1/p')
echo "videos: $videos (split $split), rounds: $rounds, N=$n, load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-22s %8s %10s\n' round side seconds videos/s
declare -A total
for r in $(seq 1 "$rounds"); do
  for side in single "local[$n]" "local[1]"; do
    rm -rf "$work/out" "$work/out.npz" "$work/out.classes.txt" "$work/out.skipped.txt"
    t0=$(date +%s.%N)
    if [ "$side" = single ]; then
      java_run extract --data "$data" --split "$split" --out "$work/out.npz" --workers "$n" ${ECRL4J_EXTRACT_ARGS:-} \
        >/dev/null 2>"$work/log" \
        || { cat "$work/log" >&2; exit 1; }
    else
      java_run extract --data "$data" --split "$split" --out "$work/out" --spark "$side" ${ECRL4J_EXTRACT_ARGS:-} \
        --spark-conf spark.ui.enabled=false >/dev/null 2>"$work/log" || { cat "$work/log" >&2; exit 1; }
    fi
    t1=$(date +%s.%N)
    s=$(echo "$t1 - $t0" | bc -l)
    k="${side//[^a-z0-9]/}"
    total[$k]=$(echo "${total[$k]:-0} + $s" | bc -l)
    printf '%-6s %-22s %8.1f %10.2f\n' "$r" "$side" "$s" "$(echo "$videos / $s" | bc -l)"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for side in single "local[$n]" "local[1]"; do
  k="${side//[^a-z0-9]/}"
  printf 'mean %-17s %8.1f s %10.2f videos/s\n' "$side" "$(echo "${total[$k]} / $rounds" | bc -l)" \
    "$(echo "$videos * $rounds / ${total[$k]}" | bc -l)"
done
printf "Spark's overhead at N=%s: %.1f%% of single-process videos/s\n" "$n" \
  "$(echo "100 * (1 - ${total[single]} / ${total[local$n]})" | bc -l)"
