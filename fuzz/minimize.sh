#!/usr/bin/env bash
# Shrinks fuzz/corpus/<target> to what is committed (as fuzz/corpus.tar.gz): inputs of at most 1 KiB (MAX_BYTES)
# (the CI smoke starts from them quickly), minimised by libFuzzer's merge so
# that every kept input adds coverage. `fuzz/minimize.sh [TARGET…]`.
set -euo pipefail
cd "$(dirname "$0")"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && mapfile -t targets < <(ls fuzz_targets | sed 's/\.rs$//')
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then tc=(+nightly); else tc=(); export RUSTC_BOOTSTRAP=1; fi
./corpus.sh unpack
for t in "${targets[@]}"; do
  [ -d "corpus/$t" ] || continue
  small=$(mktemp -d)
  find "corpus/$t" -type f -size -"$(( ${MAX_BYTES:-1024} + 1 ))"c -exec cp {} "$small/" \;
  rm -rf "corpus/$t" && mkdir -p "corpus/$t"
  cargo "${tc[@]}" fuzz run -O -s none "$t" -- -merge=1 -timeout=10 -rss_limit_mb=2048 "corpus/$t" "$small" >/dev/null 2>&1
  rm -rf "$small"
  echo "$t: $(ls "corpus/$t" | wc -l) inputs, $(du -sh --apparent-size "corpus/$t" | cut -f1)"
done
./corpus.sh pack
