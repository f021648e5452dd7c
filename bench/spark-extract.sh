#!/usr/bin/env bash
# Spark's overhead on extraction end to end (issue 13): the same videos through single-process
# `extract` (--workers N) and `extract --spark local[N]` (and local[1] for the scaling table), in
# alternating rounds in one run, one libtorch thread on both sides. Each run is a fresh JVM timed
# from outside, so Spark's start-up (and the JVM's) is counted against it; the CPU time of each run
# (user + sys) is printed too, which a loaded machine disturbs less than the wall time.
# `ecrl4j bench extract --spark local[N]` measures the same in one JVM (session already up).
#
#   bench/spark-extract.sh ANNOTATIONS [SPLIT] [ROUNDS] [N]
#
# Uses the jars in $ECRL4J_JARS (default: target; build them with `mvn -DskipTests package`), with
# the Spark runs on a class data sharing archive of Spark's classes as ./ecrl4j uses
# ($ECRL4J_JARS/spark-classes.jsa, recorded by an untimed run first); $ECRL4J_EXTRACT_ARGS is added
# to every extract (e.g. "--backbone torchscript:r2plus1d.pt --size 112").
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
jsa="$jars/spark-classes.jsa"
java_run() { java -Xmx3g -Dai.djl.offline=true "${opens[@]}" "$@"; }
ecrl4j() { java_run -cp "$jars/ecrl4j.jar:$jars/spark-lib/*" org.ecrl4j.cli.Main "$@"; }
cds=(-Xlog:cds=off -Xlog:cds+dynamic=off)
if [ ! -f "$jsa" ] || [ "$jars/ecrl4j.jar" -nt "$jsa" ]; then # record the archive (untimed)
  java_run "${cds[@]}" -XX:ArchiveClassesAtExit="$jsa" -cp "$jars/ecrl4j.jar:$jars/spark-lib/*" org.ecrl4j.cli.Main \
    extract --data "$data" --split "$split" --out "$work/warm" --spark "local[$n]" --frames 1 --size 8 >/dev/null 2>&1
  rm -rf "$work/warm"
fi
videos=$(ecrl4j extract --data "$data" --split "$split" --out "$work/count.npz" --workers "$n" --frames 1 --size 8 2>/dev/null \
  | sed -n 's/^wrote .*: \([0-9]*\) videos.*/\1/p')
echo "videos: $videos (split $split), rounds: $rounds, N=$n, load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-10s %8s %10s %8s  %s\n' round side seconds videos/s cpu-s load
declare -A total cpu
for r in $(seq 1 "$rounds"); do
  for side in single "local[$n]" "local[1]"; do
    rm -rf "$work/out" "$work/out.npz" "$work/out.classes.txt" "$work/out.skipped.txt"
    load=$(cut -d' ' -f1 /proc/loadavg)
    if [ "$side" = single ]; then
      args=(extract --data "$data" --split "$split" --out "$work/out.npz" --workers "$n")
      extra=()
    else
      args=(extract --data "$data" --split "$split" --out "$work/out" --spark "$side")
      extra=("${cds[@]}" -XX:SharedArchiveFile="$jsa")
    fi
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %U %S" -o "$work/time" java -Xmx3g -Dai.djl.offline=true "${opens[@]}" "${extra[@]}" \
      -cp "$jars/ecrl4j.jar:$jars/spark-lib/*" org.ecrl4j.cli.Main "${args[@]}" ${ECRL4J_EXTRACT_ARGS:-} \
      >/dev/null 2>"$work/log" || { cat "$work/log" >&2; exit 1; }
    read -r s u y < "$work/time"
    c=$(echo "$u + $y" | bc -l)
    k="${side//[^a-z0-9]/}"
    total[$k]=$(echo "${total[$k]:-0} + $s" | bc -l)
    cpu[$k]=$(echo "${cpu[$k]:-0} + $c" | bc -l)
    printf '%-6s %-10s %8.1f %10.2f %8.1f  %s\n' "$r" "$side" "$s" "$(echo "$videos / $s" | bc -l)" "$c" "$load"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for side in single "local[$n]" "local[1]"; do
  k="${side//[^a-z0-9]/}"
  printf 'mean %-10s %8.1f s %10.2f videos/s %8.1f cpu-s\n' "$side" "$(echo "${total[$k]} / $rounds" | bc -l)" \
    "$(echo "$videos * $rounds / ${total[$k]}" | bc -l)" "$(echo "${cpu[$k]} / $rounds" | bc -l)"
done
printf "Spark's overhead at N=%s, end to end: %.1f%% of single-process videos/s (wall), %.1f%% more CPU time\n" "$n" \
  "$(echo "100 * (1 - ${total[single]} / ${total[local$n]})" | bc -l)" \
  "$(echo "100 * (${cpu[local$n]} / ${cpu[single]} - 1)" | bc -l)"
