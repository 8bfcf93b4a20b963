#!/usr/bin/env bash
# Runs the fuzz targets: `fuzz/run.sh [SECONDS] [RUNS] [TARGET…]`.
#   fuzz/run.sh 60            # CI smoke: each target 60 s on the saved corpus
#   fuzz/run.sh 1800 1000000  # campaign: 1,000,000 runs or 30 min per target
# Inputs that find something land in fuzz/artifacts/<target>/; copy them to
# tests/regressions/<target>/ once fixed (plain `cargo test` replays them).
# New corpus inputs stay in fuzz/corpus/ (a working folder, not tracked);
# after a campaign, fuzz/minimize.sh shrinks them and packs the archive.
# Needs cargo-fuzz; uses nightly when installed, else stable with
# RUSTC_BOOTSTRAP (cargo-fuzz passes -Z flags to rustc).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
runs="${2:-0}"
shift $(( $# > 2 ? 2 : $# ))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list 2>/dev/null || ls fuzz_targets | sed 's/\.rs$//')
fi
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
else
  toolchain=()
  export RUSTC_BOOTSTRAP=1
fi
# No sanitizer: the crate and its parsers are safe Rust (bar sqlite, which
# no target reaches); without ASan each target runs ~3x more inputs.
cargo "${toolchain[@]}" fuzz build -O -s none
# The saved corpus is tracked as one archive; the fuzzers work on files.
./corpus.sh unpack
mkdir -p logs
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  # Seeds: the target's own (PDF, DOCX, multipart… made by the test
  # writers) and, for text-like targets, the announcements of tests/corpus.
  seeds=()
  [ -d "seeds/$t" ] && seeds+=("seeds/$t")
  case "$t" in fuzz_html|fuzz_text|fuzz_json|fuzz_engine) seeds+=(../tests/corpus) ;; esac
  flags=(-timeout=10 -rss_limit_mb=2048 -max_len=262144 -max_total_time="$seconds" -print_final_stats=1)
  [ "$runs" != 0 ] && flags+=(-runs="$runs")
  # Extra libFuzzer flags, e.g. FUZZ_FLAGS=-len_control=0 to try long
  # inputs from the start.
  read -r -a extra <<<"${FUZZ_FLAGS:-}"
  flags+=("${extra[@]}")
  echo "== $t (${seconds}s${runs:+, $runs runs})"
  if ! cargo "${toolchain[@]}" fuzz run -O -s none "$t" "corpus/$t" "${seeds[@]}" -- "${flags[@]}" \
      >"logs/$t.log" 2>&1; then
    if [ "$t" = fuzz_pdf ] && grep -q 'ERROR: libFuzzer: timeout' "logs/$t.log" \
        && ! grep -qE 'ERROR: libFuzzer: (deadly signal|out-of-memory)|panicked|AddressSanitizer' "logs/$t.log"; then
      # A PDF that hangs the parser: the product kills the worker at its
      # deadline and holds the file (tests/regressions/fuzz_pdf replays the
      # ones kept), so a hang is recorded, not a failure of the smoke run.
      echo "~~ $t: the parser hangs on an input (contained by the worker's deadline); kept in fuzz/artifacts/$t/"
    else
      echo "!! $t found something; see fuzz/logs/$t.log and fuzz/artifacts/$t/"
      tail -40 "logs/$t.log"
      status=1
    fi
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ *DONE' "logs/$t.log" | sed "s/^/   $t /" || true
done
exit $status
