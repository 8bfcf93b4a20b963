#!/usr/bin/env bash
# Times `pubgate scan` over a generated mixed txt/HTML archive and reports
# MB/s and peak memory. Usage: benches/scan_archive.sh [SIZE_MB] [DIR]
#   SIZE_MB  archive size to generate (default 1024)
#   DIR      where to put it (default: a temporary directory, removed after)
# Needs python3 (to generate the archive) and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-1024}"
dir="${2:-$(mktemp -d)}"
cleanup=""
[ -z "${2:-}" ] && cleanup="$dir"

cargo build --release --quiet

marker="${dir%/}.complete-$size_mb"
if [ ! -f "$marker" ]; then
  echo "generating ${size_mb} MB archive in $dir" >&2
  python3 - "$dir" "$size_mb" <<'PY'
import os, random, sys
root, size_mb = sys.argv[1], int(sys.argv[2])
random.seed(7)
common = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"
# A pool of random sentences, composed into files (fast to generate).
pool = []
for _ in range(5000):
    s = "".join(random.choice(common) for _ in range(random.randint(8, 40)))
    r = random.random()
    if r < 0.05: s += f"，联系电话：0531-8{random.randint(0,9999999):07d}"
    elif r < 0.08: s += f"，预算金额：{random.randint(10,900)}万元"
    pool.append(s + ("。\n" if random.random() < 0.3 else "，"))
def body(n):
    out, size = [], 0
    while size < n:
        s = random.choice(pool)
        out.append(s)
        size += len(s)
    return "".join(out)
head = "某某项目公开招标公告\n一、项目基本情况\n项目编号：ZB-2024-{n}\n项目名称：办公设备采购项目\n"
target = size_mb * 1_000_000
written, i = 0, 0
while written < target:
    sub = os.path.join(root, f"{i // 1000:03d}")
    os.makedirs(sub, exist_ok=True)
    text = head.format(n=i) + body(random.randint(20_000, 60_000))
    if i % 2:
        data = ("<html><head><meta charset=\"utf-8\"><title>公告</title></head><body>"
                + "".join(f"<p>{line}</p>" for line in text.split("\n")) + "</body></html>").encode()
        name = f"{i:06d}.html"
    else:
        data = text.encode("gbk" if i % 4 == 0 else "utf-8")
        name = f"{i:06d}.txt"
    with open(os.path.join(sub, name), "wb") as f:
        f.write(data)
    written += len(data)
    i += 1
print(f"{i} files, {written / 1e6:.0f} MB", file=sys.stderr)
PY
  touch "$marker"
fi

sync
echo "scanning $dir with $(nproc) cores" >&2
/usr/bin/time -v target/release/pubgate scan --format jsonl --no-progress -o /dev/null "$dir" 2> /tmp/pubgate-scan-time.txt || true
grep -E "份文件|结论|发现" /tmp/pubgate-scan-time.txt || true
grep -E "Maximum resident set size|Elapsed \(wall clock\)|Percent of CPU" /tmp/pubgate-scan-time.txt
[ -n "$cleanup" ] && rm -rf "$cleanup" "$marker"
exit 0
