#!/usr/bin/env bash
# Capacity of one powgraph replica against nginx + 2 replicas (deploy/nginx.conf.template), on
# this machine, with wrk; prints the Markdown table docs/deploy.md quotes. Builds and releases
# into a temporary directory (the checkout's build/ and releases/ are left alone).
# Usage: benchmarks/replicas.sh [SECONDS] [CONNECTIONS]   (after `make`; needs Debian's wrk and
# nginx-light). Each measurement: wrk -t2 -cCONNECTIONS for SECONDS after a 2 s warm-up.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNECTIONS=${2:-16}
PY=.venv/bin/python
JSON=application/sparql-results+json
QUERY='PREFIX pow: <https://w3id.org/powgraph/def#>
SELECT ?observation ?printed WHERE { ?observation pow:printedValue ?printed }
ORDER BY ?printed LIMIT 10'
ENCODED=$($PY -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$QUERY")

work=$(mktemp -d)
chmod 755 "$work"  # nginx's workers read the releases as www-data when started as root
export POWGRAPH_BUILD_DIR=$work/build POWGRAPH_RELEASES_DIR=$work/releases
groups=()
cleanup() {
  for pid in "${groups[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {
  for _ in $(seq 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "no answer from $1" >&2
  exit 1
}
replica() {  # PORT WORKERS PUBLIC_URL: one `powgraph serve`, in a process group of its own
  POWGRAPH_PUBLIC_URL=$3 POWGRAPH_PROXY_HEADER=X-Forwarded-For POWGRAPH_TRUSTED_PROXIES=127.0.0.1 \
    setsid .venv/bin/powgraph serve --port "$1" --workers "$2" >"$work/replica-$1.log" 2>&1 &
  groups+=($!)
  wait_for "http://127.0.0.1:$1/health"
}
stop_all() {
  for pid in "${groups[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  groups=()
}
measure() {  # NAME URL [wrk args]: one table row
  local name=$1 url=$2
  shift 2
  wrk -t2 -c"$CONNECTIONS" -d2s -H "Accept: $JSON" "$@" "$url" >/dev/null
  local out rps errors
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Accept: $JSON" "$@" "$url")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")
  printf '| %s | %.0f | %.0f | %s | %s |\n' "$name" "$rps" "$(awk "BEGIN {print $rps / $(nproc)}")" \
    "$(awk '$1 == "99%" {print $2}' <<<"$out")" "$errors"
}

.venv/bin/powgraph build >/dev/null
.venv/bin/powgraph release >/dev/null

echo "Measured $(date -u +%Y-%m-%d) by benchmarks/replicas.sh $DURATION $CONNECTIONS: $(nproc) cores" \
  "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)), $(nginx -v 2>&1 | cut -d/ -f2)," \
  "wrk -t2 -c$CONNECTIONS, ${DURATION} s after a 2 s warm-up, everything on this one machine."
echo
echo "| setup: what is asked | req/s | req/s per core | p99 | errors |"
echo "|---|---:|---:|---:|---:|"

# one replica, as `make serve` runs it (2 web workers)
port=$(free_port)
one=http://127.0.0.1:$port
replica "$port" 2 "$one"
measure "one replica: repeated query (its answer cache)" "$one/sparql?query=$ENCODED"
measure "one replica: repeated page (/)" "$one/"
measure "one replica: uncached query" "$one/sparql?query=$ENCODED" -s benchmarks/uncached_clients.lua
stop_all

# nginx + 2 replicas of 1 web worker each: the same 2 web workers, behind nginx
site_port=$(free_port)
site=http://127.0.0.1:$site_port
servers=""
for _ in 1 2; do
  port=$(free_port)
  replica "$port" 1 "$site"
  servers+="server 127.0.0.1:$port max_fails=1 fail_timeout=2s; "
done
mkdir "$work/nginx"
user=$(id -un)
[ "$(id -u)" = 0 ] && user=www-data
sed -e "s|{{USER}}|$user|; s|{{PREFIX}}|$work/nginx|g; s|{{LISTEN}}|127.0.0.1:$site_port|" \
  -e "s|{{REPLICAS}}|$servers|; s|{{RELEASES}}|$POWGRAPH_RELEASES_DIR|g" \
  deploy/nginx.conf.template >"$work/nginx/nginx.conf"
setsid nginx -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" \
  -g 'daemon off;' &
groups+=($!)
wait_for "$site/health"
measure "nginx + 2 replicas: repeated query (nginx's cache)" "$site/sparql?query=$ENCODED"
measure "nginx + 2 replicas: repeated page (/)" "$site/"
measure "nginx + 2 replicas: uncached query" "$site/sparql?query=$ENCODED" -s benchmarks/uncached_clients.lua
version=$(basename "$(readlink -f "$POWGRAPH_RELEASES_DIR/latest")")
size=$(stat -c %s "$POWGRAPH_RELEASES_DIR/$version/data/powgraph.ttl")
measure "nginx: a release file from disk (powgraph.ttl, $size bytes)" "$site/dumps/$version/powgraph.ttl"
