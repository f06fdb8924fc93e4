#!/usr/bin/env bash
# Load test of serve.go on loopback: 64 concurrent connections for 30 s (DURATION to change) with
# Debian's wrk, over the page's real assets. Prints requests/s, p99 latency and errors, and fails
# on any socket error or non-2xx/3xx response.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-30s}
CONNS=${CONNS:-64}
if ! command -v wrk >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
[ -f web/index.html ] || { echo "loadtest: run 'make build' first"; exit 1; }
go build -o build/serve serve.go
port=$((20000 + RANDOM % 20000))
build/serve -addr 127.0.0.1:$port >/tmp/genlab-loadtest-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:$port/ && break; sleep 0.1; done

# The paths a page load fetches (small and large), rotated per request, with brotli accepted.
lua=$(mktemp --suffix=.lua)
cat >"$lua" <<'LUA'
paths = {"/", "/index.html", "/main.js", "/worker.js", "/wasm_exec.js", "/pretrained/vae-digits/weights.bin"}
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {["Accept-Encoding"] = "br, gzip"})
end
LUA
out=$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$lua" http://127.0.0.1:$port/)
echo "$out"
rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
p99=$(echo "$out" | awk '$1=="99%" {print $2}')
sock=$(echo "$out" | awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}')
non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
errors=$(( ${sock:-0} + ${non2xx:-0} ))
echo "loadtest: ${CONNS} connections, ${DURATION}: ${rps} requests/s, p99 ${p99}, errors ${errors}"
[ "$errors" -eq 0 ]
