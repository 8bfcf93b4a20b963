#!/usr/bin/env bash
# Gateway speed on this machine, all processes on loopback:
#  1. uninspected pass-through (GET): requests/s through pubgate against
#     requests/s through nginx as a reverse proxy to the same upstream,
#     measured in the same run with wrk (target: pubgate >= 70 % of nginx);
#  2. an inspected 100 KB HTML notice that passes, at 200 requests/s:
#     latency added over sending it straight to the upstream
#     (targets: p50 < 2 ms, p99 < 10 ms), with the open-loop generator
#     benches/loadgen.rs.
# The upstream is nginx answering 200 to everything.
# Needs: nginx and wrk (Debian packages `nginx-light` and `wrk`).
# Usage: benches/gateway.sh [SECONDS]   (default 10 per measurement)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
. benches/lib.sh

up=$(free_port); px=$(free_port); gw=$(free_port); adm=$(free_port)

cargo build --release --quiet
cargo build --release --quiet --bench loadgen

# Two nginx instances: the upstream (one worker) and the reverse proxy
# pubgate is compared with (one worker per core, as pubgate uses every core).
nginx_conf upstream 1 "server { listen 127.0.0.1:$up; client_max_body_size 100m; location / { return 200 \"ok\\n\"; } }"
nginx_conf proxy auto "upstream platform { server 127.0.0.1:$up; keepalive 64; }
  server { listen 127.0.0.1:$px; client_max_body_size 100m;
    location / { proxy_pass http://platform; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"

( cd "$work" && exec "$OLDPWD/target/release/pubgate" serve --upstream "http://127.0.0.1:$up" \
    --listen "127.0.0.1:$gw" --admin-listen "127.0.0.1:$adm" --store "sqlite://$work/q.db" ) \
    2> "$work/pubgate.log" & pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$adm/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

# A 100 KB clean award notice: the shipped sample with a long item table.
python3 - "$work/notice.html" <<'PY'
import sys
base = open("tests/corpus/02-award-clean.html", encoding="utf-8").read()
rows = []
i = 0
while len("".join(rows).encode()) < 100_000 - len(base.encode()):
    i += 1
    rows.append(f"<tr><td>第{i}批档案数字化加工</td><td>纸质档案扫描、图像处理与著录</td><td>1项</td><td>按合同约定验收</td></tr>\n")
table = "<table><tr><td>序号与内容</td><td>服务要求</td><td>数量</td><td>验收</td></tr>\n" + "".join(rows) + "</table>"
open(sys.argv[1], "w", encoding="utf-8").write(base.replace("</body>", table + "</body>"))
PY
verdict=$(./target/release/pubgate scan --format jsonl "$work/notice.html" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["verdict"])')
[ "$verdict" = "pass" ] || { echo "the benchmark notice does not pass: $verdict" >&2; exit 1; }
size=$(stat -c %s "$work/notice.html")

echo "== 1. uninspected pass-through, wrk -t2 -c64 -d${secs}s GET /"
rps() { wrk -t2 -c64 -d"${secs}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
nginx_rps=$(rps "http://127.0.0.1:$px/")
pubgate_rps=$(rps "http://127.0.0.1:$gw/")
python3 -c "n=$nginx_rps; p=$pubgate_rps; print(f'nginx {n:.0f} req/s, pubgate {p:.0f} req/s: {100*p/n:.0f} % of nginx (target >= 70 %)')"

echo "== 2. inspected ${size}-byte HTML notice (passes), 200 req/s for ${secs}s"
loadgen() { cargo bench --quiet --bench loadgen -- "$@" 2>/dev/null | tail -1; }
direct=$(loadgen "http://127.0.0.1:$up/api/notices" 200 "$secs" "$work/notice.html")
via=$(loadgen "http://127.0.0.1:$gw/api/notices" 200 "$secs" "$work/notice.html")
echo "direct to upstream: $direct"
echo "through pubgate:    $via"
python3 - "$direct" "$via" <<'PY'
import sys
d = dict(kv.split("=") for kv in sys.argv[1].split())
v = dict(kv.split("=") for kv in sys.argv[2].split())
for p, target in (("p50_ms", 2), ("p99_ms", 10)):
    added = float(v[p]) - float(d[p])
    print(f"added {p[:-3]}: {added:.2f} ms (target < {target} ms)")
print(f"errors through pubgate: {v['errors']}")
PY
curl -sf "http://127.0.0.1:$adm/metrics" | awk '/^pubgate_scan_duration_seconds_(sum|count)/ {v[$1]=$2} END {printf "mean extract+scan time in pubgate: %.2f ms\n", 1000*v["pubgate_scan_duration_seconds_sum"]/v["pubgate_scan_duration_seconds_count"]}'
