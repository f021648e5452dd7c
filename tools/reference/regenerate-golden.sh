#!/usr/bin/env bash
# Regenerates the golden files of the ECRL head (src/test/resources/golden/): ecrl4j exports the
# cases' inputs and parameters (GoldenHead, test code), then the PyTorch reference written from the
# paper and MODEL.md (ecrl_head.py) computes the logits, the loss and every parameter's gradient.
# Needs Debian's python3-torch and python3-numpy. GoldenHeadTest compares ecrl4j against them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/src/test/resources/golden"
cd "$root"
mvn -B -q -o -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/golden.classpath >/dev/null
rm -f "$out"/*.npz "$out"/cases.json
java -Dai.djl.offline=true -cp "target/test-classes:target/classes:$(cat target/golden.classpath)" \
  org.ecrl4j.train.GoldenHead "$out"
/usr/bin/python3 "$here/ecrl_head.py" "$out"
du -sh "$out"
