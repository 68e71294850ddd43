#!/usr/bin/env bash
# JSONata: our evaluator against jsonata-js 2.x on one expression and input,
# measured in the same run. Installs jsonata from npm into a temporary
# folder (removed on exit); needs go, node and npm. The two run in turn
# ROUNDS times (default 3) and the fastest round of each counts, so a busy
# machine skews the ratio less; CPU time per op is reported beside wall
# time for the same reason.
#
#   bash bench/jsonata/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

npm install --prefix "$tmp" --no-audit --no-fund --silent jsonata@2 >/dev/null

(cd "$root" && go build -o "$tmp/jsonata-bench" ./bench/jsonata)

field() { awk -v k="$1" '$1 == k { sub("^[^ ]+ ", ""); print; exit }' "$2"; }
go_ns="" node_ns="" go_all="" node_all="" go_cpu="" node_cpu=""
lower() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }'; }
for _ in $(seq "${ROUNDS:-3}"); do
  "$tmp/jsonata-bench" -spec "$tmp/spec.json" >"$tmp/go.txt"
  NODE_PATH="$tmp/node_modules" node "$here/bench.js" "$tmp/spec.json" 1000 >"$tmp/node.txt"
  g="$(field go_ns_per_op "$tmp/go.txt")" n="$(field node_ns_per_op "$tmp/node.txt")"
  go_all="$go_all $g" node_all="$node_all $(printf '%.0f' "$n")"
  go_ns="$(lower "$g" "$go_ns")" node_ns="$(lower "$n" "$node_ns")"
  go_cpu="$(lower "$(field go_cpu_ns_per_op "$tmp/go.txt")" "$go_cpu")"
  node_cpu="$(lower "$(field node_cpu_ns_per_op "$tmp/node.txt")" "$node_cpu")"
done

# Both engines must give the same answer for the figures to compare.
go_result="$(field go_result "$tmp/go.txt")"
node_result="$(field node_result "$tmp/node.txt")"
if ! node -e 'const [a, b] = process.argv.slice(1).map(JSON.parse); process.exit(JSON.stringify(a) === JSON.stringify(b) ? 0 : 1)' "$go_result" "$node_result"; then
  echo "results differ: go $go_result, node $node_result" >&2
  exit 1
fi

echo "expression: $(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).expression)' "$tmp/spec.json") (50 items)"
echo "result:     $go_result"
echo "versions:   $(field node_versions "$tmp/node.txt") $(go env GOVERSION)"
printf 'go:         %s ns/op (%s allocs/op; rounds:%s)\n' "$go_ns" "$(field go_allocs_per_op "$tmp/go.txt")" "$go_all"
printf 'node:       %.0f ns/op (rounds:%s)\n' "$node_ns" "$node_all"
awk -v n="$node_ns" -v g="$go_ns" 'BEGIN { printf "ratio:      %.2fx (node / go, wall time; the aim is >= 5x)\n", n / g }'
awk -v n="$node_cpu" -v g="$go_cpu" 'BEGIN { printf "cpu:        go %.0f ns/op, node %.0f ns/op: %.2fx (CPU time, steadier on a busy machine)\n", g, n, n / g }'
