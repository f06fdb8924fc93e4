#!/usr/bin/env bash
# Runs every fuzz target for FUZZTIME (default 2m) and prints one line per target with its
# execution count. Crashers are saved by Go under the package's testdata/fuzz/ and then run as
# regression cases by `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-2m}
targets=(
  "./core/data FuzzDecodeIDXImages"
  "./core/data FuzzDecodeIDXLabels"
  "./core/data FuzzDecodeFaces"
  "./core/model FuzzDecode"
)
extra=$(grep -rl --include='*_test.go' '^func Fuzz' wasm 2>/dev/null | xargs -r -n1 dirname | sort -u || true)
for d in $extra; do
  for f in $(grep -h '^func Fuzz' "$d"/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do
    targets+=("./$d $f")
  done
done
for t in "${targets[@]}"; do
  set -- $t
  log=$(mktemp)
  if ! go test -run '^$' -fuzz "^$2\$" -fuzztime "$FUZZTIME" "$1" >"$log" 2>&1; then
    cat "$log"; echo "fuzz: $1 $2 FAILED (crasher saved under $1/testdata/fuzz/$2)"; exit 1
  fi
  execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  echo "fuzz: $1 $2 ok, $execs executions in $FUZZTIME"
  rm -f "$log"
done
