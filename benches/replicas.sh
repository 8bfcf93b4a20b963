#!/usr/bin/env bash
# Scale-out figures on this machine (everything on loopback):
#  1. holds per second with one gateway replica and with two on the same
#     PostgreSQL (target: two >= 1.6 x one), closed-loop with 16 clients
#     spread over the replicas; then the hold acknowledgement latency at a
#     fixed rate of half the one-replica throughput, open-loop (target:
#     p99 < 20 ms);
#  2. a sharded rescan of a 1 GB archive (benches/scan_archive.sh's
#     generator): wall time with N = 1 and with N = 2 shards running at
#     once, each with --store on the same PostgreSQL (report the ratio).
# Every replica gets one proxy thread; both replicas, PostgreSQL and the
# load generator share the machine's cores, as they would share a node.
# Needs: PostgreSQL (PUBGATE_PG_URL, default the CI machine's), python3.
# Usage: benches/replicas.sh [SECONDS] [ARCHIVE_MB]   (defaults 10, 1024)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
archive_mb="${2:-1024}"
pg="${PUBGATE_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
. benches/lib.sh

cargo build --release --quiet
cargo build --release --quiet --bench loadgen
loadgen() { cargo bench --quiet --bench loadgen -- "$@" 2>/dev/null | tail -1; }
# CPU seconds used so far by processes whose command line matches $1.
cpu_of() { python3 - "$1" <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK"); total = 0
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode()
        if sys.argv[1] in cmd:
            f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += (int(f[11]) + int(f[12])) / tick
    except OSError:
        pass
print(f"{total:.2f}")
PY
}

# A fresh schema per run, dropped at the end.
schema="pubgate_bench_$$"
psql "$pg" -qc "CREATE SCHEMA $schema" >/dev/null
trap 'psql "$pg" -qc "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1; cleanup' EXIT
store="$pg?options=-c%20search_path%3D$schema"
[[ "$pg" == *\?* ]] && store="$pg&options=-c%20search_path%3D$schema"

# An upstream that answers 201 (approvals are not part of this run).
up=$(free_port)
python3 -c "
import http.server, socketserver
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('content-length', 0)))
        self.send_response(201); self.send_header('content-length', '0'); self.end_headers()
    def log_message(self, *a): pass
socketserver.ThreadingTCPServer(('127.0.0.1', $up), H).serve_forever()" > /dev/null 2>&1 & pids+=($!)

start_replica() { # NAME -> sets $port to its proxy port
  local px adm; px=$(free_port); adm=$(free_port)
  cat > "$work/$1.toml" <<TOML
listen = "127.0.0.1:$px"
admin_listen = "127.0.0.1:$adm"
upstream = "http://127.0.0.1:$up"
proxy_threads = 1
[limits]
admin_rate_per_sec = 0
[cluster]
replica = "$1"
TOML
  PUBGATE_STORE="$store" PUBGATE_LOG=warn ./target/release/pubgate serve --config "$work/$1.toml" \
    > /dev/null 2> "$work/$1.log" & pids+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$adm/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  port="$px"
}

# A complete tender notice with an ID number: held, never blocked.
{ cat tests/corpus/05-tender-liaoning-clean.txt; echo; echo "联系人身份证号：370102198001011237"; } > "$work/held.txt"

echo "== 1. holds per second, ${secs}s closed loop, 16 clients"
start_replica gw-a; a=$port
c0=$(cpu_of "pubgate serve"); p0=$(cpu_of "postgres:")
one=$(loadgen "http://127.0.0.1:$a/api/notices" max:16 "$secs" "$work/held.txt" "text/plain; charset=utf-8")
c1=$(cpu_of "pubgate serve"); p1=$(cpu_of "postgres:")
echo "one replica:  $one"
python3 -c "print(f'  CPU over the run: pubgate {($c1-$c0)/$secs:.2f} cores, PostgreSQL {($p1-$p0)/$secs:.2f} cores (of $(nproc))')"
start_replica gw-b; b=$port
c0=$(cpu_of "pubgate serve"); p0=$(cpu_of "postgres:")
two=$(loadgen "http://127.0.0.1:$a/api/notices,http://127.0.0.1:$b/api/notices" max:16 "$secs" "$work/held.txt" "text/plain; charset=utf-8")
c1=$(cpu_of "pubgate serve"); p1=$(cpu_of "postgres:")
echo "two replicas: $two"
python3 -c "print(f'  CPU over the run: pubgate {($c1-$c0)/$secs:.2f} cores, PostgreSQL {($p1-$p0)/$secs:.2f} cores (of $(nproc))')"
rate=$(python3 -c "import sys; d=dict(kv.split('=') for kv in '''$one'''.split()); print(max(1, int(float(d['rps']) / 2)))")
ack=$(loadgen "http://127.0.0.1:$a/api/notices,http://127.0.0.1:$b/api/notices" "$rate" "$secs" "$work/held.txt" "text/plain; charset=utf-8")
echo "two replicas at $rate holds/s (open loop): $ack"
python3 - "$one" "$two" "$ack" <<'PY'
import sys
one, two, ack = (dict(kv.split("=") for kv in a.split()) for a in sys.argv[1:4])
ratio = float(two["rps"]) / float(one["rps"])
print(f"holds/s: one {float(one['rps']):.0f}, two {float(two['rps']):.0f}: {ratio:.2f} x (target >= 1.6)")
print(f"hold acknowledged p99 at half the one-replica rate: {float(ack['p99_ms']):.1f} ms (target < 20 ms), errors {ack['errors']}")
PY
for p in "${pids[@]:1}"; do kill "$p" 2>/dev/null || true; done

echo "== 2. sharded rescan of a ${archive_mb} MB archive into the store"
# Each shard of the Indexed Job is a pod with its own CPU limit. Here the
# pods are processes with one scan thread each (-j 1): N = 1 is one such
# pod, N = 2 two of them at once. For reference, N = 1 with every core.
archive="$work/archive"
benches/scan_archive.sh "$archive_mb" "$archive" >/dev/null 2>&1 || true
rescan() { # JOBS [SHARD]
  ./target/release/pubgate scan "$archive" --store "$store" --full --exit-zero --no-progress \
    -j "$1" ${2:+--shard "$2"} --format jsonl -o /dev/null 2>/dev/null
}
clear_store() { psql "$pg" -qc "DELETE FROM $schema.published" >/dev/null; }
t0=$(date +%s.%N); rescan 1; t1=$(date +%s.%N)
clear_store
rescan 1 1/2 & s1=$!; rescan 1 2/2 & s2=$!; wait "$s1" "$s2"
t2=$(date +%s.%N)
docs=$(psql "$pg" -Atc "SELECT count(*) FROM $schema.published")
clear_store
t3=$(date +%s.%N); rescan "$(nproc)"; t4=$(date +%s.%N)
python3 -c "
n1 = $t1 - $t0; n2 = $t2 - $t1; all_cores = $t4 - $t3
print(f'N=1 (one thread): {n1:.1f} s; N=2 (two processes, one thread each): {n2:.1f} s: ratio {n2/n1:.2f} (target about 0.5); {$docs} documents recorded')
print(f'for reference, N=1 with all $(nproc) cores: {all_cores:.1f} s')"
