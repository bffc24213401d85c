#!/bin/bash
# The load benchmark of docs/benchmarks/server.md: starts `claimtrace serve` on a store, runs
# the four wrk scripts of this folder (-t2 -c16 -d15s --latency) and prints, per endpoint,
# requests/s, p50, p99 and the server's CPU time per request (utime + stime of the server
# process over the run, from /proc/PID/stat, divided by the requests served), with the load
# average before and after.
#
#   crates/claimtrace-server/bench/run.sh BIN DB [PORT]
#   e.g. run.sh target/release/claimtrace /tmp/ct-synth.db 18080
# (the store from `cargo run --release -p claimtrace-server --example synth_store -- DB 100000`)
set -euo pipefail
BIN=$(realpath "$1"); DB=$2; PORT=${3:-18080}
"$BIN" serve --db "$DB" --bind "127.0.0.1:$PORT" >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
sleep 2
cd "$(dirname "$0")"
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
for s in article.lua provenance.lua search.lua search-common.lua; do
  l0=$(cut -d' ' -f1 /proc/loadavg)
  a=$(cpu)
  out=$(wrk -t2 -c16 -d15s --latency -s "$s" "http://127.0.0.1:$PORT")
  b=$(cpu)
  reqs=$(echo "$out" | awk '/requests in/{print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  p50=$(echo "$out" | awk '$1=="50%"{print $2}')
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  ms=$(awk -v d="$((b - a))" -v t="$tick" -v n="$reqs" 'BEGIN{printf "%.3f", d * 1000 / t / n}')
  echo "$s req/s $rps p50 $p50 p99 $p99 server-cpu/req $ms ms load $l0 -> $(cut -d' ' -f1 /proc/loadavg)"
done
