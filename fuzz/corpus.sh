#!/usr/bin/env bash
# The saved fuzz corpus is thousands of small files; git tracks it as one
# archive, fuzz/corpus.tar.gz (entries corpus/<target>/<input>), so that the
# repository's file list stays readable. tests/fuzz_replay.rs reads the
# archive directly; fuzz/corpus/ is the fuzzers' working folder.
#   fuzz/corpus.sh unpack   # archive -> fuzz/corpus/ (adds, never deletes)
#   fuzz/corpus.sh pack     # fuzz/corpus/ -> archive (after minimize.sh)
# The archive is reproducible (sorted names, fixed times and owners, no
# gzip timestamp): a repack without new inputs changes nothing in git.
set -euo pipefail
cd "$(dirname "$0")"
case "${1:-}" in
  unpack) tar -xzf corpus.tar.gz --skip-old-files ;;
  pack)
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --mode=a+r,u+w,go-w \
      -cf - corpus | gzip -9n >corpus.tar.gz.tmp
    mv corpus.tar.gz.tmp corpus.tar.gz
    echo "packed $(tar -tzf corpus.tar.gz | grep -vc '/$') inputs into fuzz/corpus.tar.gz" ;;
  *) echo "usage: fuzz/corpus.sh pack|unpack" >&2; exit 2 ;;
esac
