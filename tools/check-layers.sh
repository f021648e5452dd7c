#!/usr/bin/env bash
# Checks the package layering of docs/ARCHITECTURE.md against the sources: every reference from one
# package of org.ecrl4j to another (an import, or a fully qualified name in code, not in comments)
# must be allowed by the table below; and the report, which only renders files, must not use a model
# library (DJL) or the video decoder (JavaCV). Prints each offending reference and exits 1; exits 0
# when there is none.
set -euo pipefail
cd "$(dirname "$0")/.."
src=src/main/java/org/ecrl4j

# What each package may use, besides itself (mirror of the table in docs/ARCHITECTURE.md).
allowed='
util:
data: util
dictionary: util
eval: util
nn.backbone: util
video: data util
synth: video data util
saliency: synth video data util
nn: nn.backbone dictionary util
train: recipe nn nn.backbone dictionary eval saliency data util
recipe: nn dictionary saliency
perf: recipe train nn nn.backbone dictionary eval data util
explain: train nn nn.backbone dictionary eval saliency video data util
report: explain train util
spark: pipeline eval saliency nn.backbone data util
pipeline: explain recipe train nn nn.backbone dictionary eval saliency synth video data util
cli: pipeline report explain recipe perf train nn nn.backbone dictionary eval saliency synth video data util
'

allows() { # allows FROM TO
  local row
  row=$(printf '%s\n' "$allowed" | grep "^$1:" || true)
  [ -n "$row" ] || { echo "check-layers: package $1 is not in the table" >&2; return 2; }
  [[ " ${row#*:} " == *" $2 "* ]]
}

bad=0
while IFS= read -r file; do
  rel=${file#$src/}
  from=$(dirname "$rel" | tr / .)
  # imports, and fully qualified names on code lines (comment lines start with *, /* or //)
  while IFS=: read -r line text; do
    for ref in $(printf '%s\n' "$text" | grep -o 'org\.ecrl4j\.[a-z]\+\(\.backbone\)\?' | sort -u); do
      to=${ref#org.ecrl4j.}
      [ "$to" = "$from" ] && continue
      if ! allows "$from" "$to"; then
        echo "$rel:$line: $from -> $to: $(printf '%s' "$text" | sed 's/^[[:space:]]*//')"
        bad=1
      fi
    done
  done < <(grep -n 'org\.ecrl4j\.[a-z]' "$file" | grep -v '^[0-9]*:[[:space:]]*\(\*\|/\*\|//\|package \)' || true)
done < <(find "$src" -name '*.java' | sort)

# The report renders files: no model, no tensor, no decoding.
while IFS= read -r hit; do
  echo "${hit#$src/}: report uses a model or decoder library (it must only render files)"
  bad=1
done < <(grep -n '^import \(static \)\?\(ai\.djl\|org\.bytedeco\)' "$src"/report/*.java || true)

if [ "$bad" -ne 0 ]; then
  echo "check-layers: references above break the layering of docs/ARCHITECTURE.md" >&2
  exit 1
fi
echo "check-layers: ok"
