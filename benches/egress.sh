#!/usr/bin/env bash
# The public side's cost on this machine, all processes on loopback. The
# site is nginx serving a 100 KB clean notice as a static file, under
# /news/ (an [[egress]] route, checks = "leaks") and /plain/ (not a route:
# streamed through uninspected).
#  1. known content: requests/s for the page on the egress route, whose
#     verdict is remembered (a hash per request, no scan), against the same
#     page on /plain/ through the same pubgate, and through nginx as a
#     reverse proxy (wrk -t2 -c64; goal: egress >= 0.9x plain proxying);
#  2. first view: latency of the first request for each of 40 distinct
#     100 KB pages (each scanned once), against a second request for the
#     same page and against /plain/ — the latency a reader pays the first
#     time a version is seen.
# Needs: nginx and wrk (Debian packages `nginx-light` and `wrk`).
# Usage: benches/egress.sh [SECONDS]   (default 10 per measurement)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
. benches/lib.sh

up=$(free_port); px=$(free_port); gw=$(free_port); adm=$(free_port)

cargo build --release --quiet

# 40 distinct clean 100 KB notices (the shipped award sample with a long
# item table; the batch number makes each page a new version).
mkdir -p "$work/site/news" "$work/site/plain"
chmod 755 "$work"   # nginx's workers may run as another user
python3 - "$work/site" <<'PY'
import sys, os
base = open("tests/corpus/02-award-clean.html", encoding="utf-8").read()
for n in range(41):
    rows, i = [], 0
    while len("".join(rows).encode()) < 100_000 - len(base.encode()):
        i += 1
        rows.append(f"<tr><td>第{i}批档案数字化加工（第{n}版）</td><td>纸质档案扫描、图像处理与著录</td><td>1项</td><td>按合同约定验收</td></tr>\n")
    table = "<table><tr><td>序号与内容</td><td>服务要求</td><td>数量</td><td>验收</td></tr>\n" + "".join(rows) + "</table>"
    page = base.replace("</body>", table + "</body>")
    for d in ("news", "plain"):
        open(os.path.join(sys.argv[1], d, f"{n}.html"), "w", encoding="utf-8").write(page)
PY
verdict=$(./target/release/pubgate scan --format jsonl "$work/site/news/0.html" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["verdict"])')
[ "$verdict" = "pass" ] || { echo "the benchmark page does not pass: $verdict" >&2; exit 1; }
size=$(stat -c %s "$work/site/news/0.html")

nginx_conf upstream 1 "server { listen 127.0.0.1:$up; root $work/site; etag off; }"
nginx_conf proxy auto "upstream site { server 127.0.0.1:$up; keepalive 64; }
  server { listen 127.0.0.1:$px;
    location / { proxy_pass http://site; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"

cat > "$work/pubgate.toml" <<TOML
listen = "127.0.0.1:$gw"
admin_listen = "127.0.0.1:$adm"
upstream = "http://127.0.0.1:$up"
store = "sqlite://$work/q.db"

[[egress]]
name = "news"
path = ["/news/**"]
content_types = ["text/html"]
TOML
( cd "$work" && PUBGATE_LOG=warn exec "$OLDPWD/target/release/pubgate" serve --config "$work/pubgate.toml" ) \
    2> "$work/pubgate.log" & pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$adm/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$up/news/0.html" >/dev/null 2>&1 && break; sleep 0.1; done

# The first request scans the page; every later one knows it by its hash.
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$gw/news/0.html")
[ "$code" = 200 ] || { echo "the page was not served: $code" >&2; cat "$work/pubgate.log" >&2; exit 1; }

echo "== 1. a ${size}-byte page whose verdict is known, wrk -t2 -c64 -d${secs}s"
rps() { wrk -t2 -c64 -d"${secs}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
nginx_rps=$(rps "http://127.0.0.1:$px/plain/0.html")
plain_rps=$(rps "http://127.0.0.1:$gw/plain/0.html")
egress_rps=$(rps "http://127.0.0.1:$gw/news/0.html")
python3 -c "n=$nginx_rps; p=$plain_rps; e=$egress_rps; print(f'nginx proxy {n:.0f} req/s; pubgate plain {p:.0f} req/s; pubgate egress (known verdict) {e:.0f} req/s = {e/p:.2f}x plain (goal >= 0.9x), {e/n:.2f}x nginx')"

echo "== 2. first view of 40 new ${size}-byte pages, one at a time"
python3 - "$gw" <<'PY'
import http.client, statistics, sys, time
port = int(sys.argv[1])
def get(path):
    c = http.client.HTTPConnection("127.0.0.1", port)
    t = time.perf_counter(); c.request("GET", path); r = c.getresponse(); r.read(); dt = time.perf_counter() - t
    c.close()
    assert r.status == 200, (path, r.status)
    return dt * 1000
first, again, plain = [], [], []
for n in range(1, 41):
    plain.append(get(f"/plain/{n}.html"))
    first.append(get(f"/news/{n}.html"))
    again.append(get(f"/news/{n}.html"))
q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]
for name, xs in (("plain (not a route)", plain), ("egress, first view", first), ("egress, known page", again)):
    print(f"{name:22} p50 {statistics.median(xs):6.2f} ms  p90 {q(xs, 0.9):6.2f} ms")
print(f"added by the first view: p50 {statistics.median(first) - statistics.median(plain):.2f} ms")
PY
curl -sf "http://127.0.0.1:$adm/metrics" | grep '^pubgate_egress_total' || true
