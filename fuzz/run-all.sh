#!/usr/bin/env bash
# fuzz/run-all.sh: build the libFuzzer targets with clang-16 (ASan + UBSan) in build-fuzz/ and run each one for
# N seconds on its corpus, one at a time, under `nice`. Fails when a target crashes or a check fails.
# docs/fuzzing.md explains the targets, the corpora and how to run a longer campaign.
#
#   fuzz/run-all.sh [--seconds N] [--targets "fuzz_decode fuzz_topic"] [--build-dir DIR] [--merge] [--seed]
#                   [--minimize] [--build-only] [-- extra libFuzzer flags]
#
#   --seconds N   time per target (default 20)
#   --merge       afterwards, merge what the run found into fuzz/corpus/<target>/ (coverage-increasing inputs
#                 only, libFuzzer -merge=1), files renamed to the SHA-256 of their content
#   --seed        first regenerate seeds: golden packets into fuzz/corpus, capture packets merged likewise
#   --minimize    afterwards, rebuild fuzz/corpus/<target>/ as: the golden seeds, the regressions listed in
#                 fuzz/regressions.txt, and a set-cover-minimal subset (-set_cover_merge=1) of the old corpus and
#                 of what this and earlier runs found in DIR/corpus/<target>/
#   --build-only  configure and build, run nothing
# New inputs of a run go to DIR/corpus/<target>/ (kept between runs); crashes to DIR/artifacts/<target>/;
# the libFuzzer output to DIR/logs/<target>.log. MQTT_FUZZ_CXX overrides the compiler (clang++-16).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=20
targets=""
build="$root/build-fuzz"
merge=0
minimize=0
seed=0
build_only=0
extra=()
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --targets) targets=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --merge) merge=1; shift ;;
    --seed) seed=1; shift ;;
    --minimize) minimize=1; shift ;;
    --build-only) build_only=1; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "run-all.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

cxx=${MQTT_FUZZ_CXX:-clang++-16}
command -v "$cxx" >/dev/null || { echo "run-all.sh: $cxx not found (apt-get install clang-16 libclang-rt-16-dev)" >&2; exit 2; }
all_targets="fuzz_fixed_header fuzz_decode fuzz_properties fuzz_topic fuzz_roundtrip fuzz_stream fuzz_engine"

cmake -S "${MQTT_FUZZ_SOURCE_DIR:-$root}" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMQTT_SANITIZE="fuzzer-no-link;address;undefined" -DMQTT_BUILD_FUZZERS=ON -DMQTT_BUILD_TESTS=OFF \
  -DMQTT_BUILD_BENCH=OFF -DMQTT_BUILD_TOOLS=OFF >/dev/null
# Only the targets that exist in this configuration (fuzz_engine needs the broker library).
known=$(ninja -C "$build" -t targets all 2>/dev/null | cut -d: -f1)
available=()
for t in ${targets:-$all_targets}; do
  if grep -qx "$t" <<<"$known"; then available+=("$t"); fi
done
((${#available[@]})) || { echo "run-all.sh: no fuzz targets to build" >&2; exit 2; }
nice -n 10 cmake --build "$build" --parallel "$(nproc)" --target "${available[@]}"
((build_only)) && exit 0

dict="$root/fuzz/mqtt.dict"
flags=(-max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -dict="$dict")

# Copies the new files of $1 into $2 named by SHA-256 (the corpus naming of STYLE.md).
import_by_sha256() {
  local from=$1 to=$2 f h
  mkdir -p "$to"
  for f in "$from"/*; do
    [ -f "$f" ] || continue
    h=$(sha256sum "$f" | cut -d' ' -f1)
    [ -e "$to/$h" ] || cp "$f" "$to/$h"
  done
}
# Merges the inputs of directory $2 that add coverage to fuzz/corpus/$1.
merge_into_corpus() {
  local t=$1 from=$2 tmp before
  tmp=$(mktemp -d)
  mkdir -p "$root/fuzz/corpus/$t"
  cp "$root/fuzz/corpus/$t"/. "$tmp"/ -r
  before=$(ls "$root/fuzz/corpus/$t" | wc -l)
  # -merge=1 adds to $tmp (a copy of the corpus) only the inputs of $from that add coverage.
  "$build/fuzz/$t" -merge=1 "${flags[@]}" "$tmp" "$from" >"$build/logs/$t.merge.log" 2>&1
  import_by_sha256 "$tmp" "$root/fuzz/corpus/$t"
  echo "merged $(($(ls "$root/fuzz/corpus/$t" | wc -l) - before)) new inputs into fuzz/corpus/$t"
  rm -rf "$tmp"
}

# Rebuilds fuzz/corpus/$1: golden seeds + listed regressions + a minimal cover of the rest.
minimize_corpus() {
  local t=$1 keep all r before
  keep=$(mktemp -d)
  all=$(mktemp -d)
  python3 "$root/fuzz/seeds/make_seeds.py" --out "$keep" --staging "$all" --captures /nonexistent >/dev/null 2>&1
  find "$keep" -mindepth 2 -type f ! -path "$keep/$t/*" -delete
  mkdir -p "$keep/$t"
  while read -r rt rh _; do
    [ "$rt" = "$t" ] && [ -f "$root/fuzz/corpus/$t/$rh" ] && cp "$root/fuzz/corpus/$t/$rh" "$keep/$t/"
  done < <(grep -v '^#' "$root/fuzz/regressions.txt")
  before=$(ls "$root/fuzz/corpus/$t" | wc -l)
  "$build/fuzz/$t" -set_cover_merge=1 "${flags[@]}" "$keep/$t" "$root/fuzz/corpus/$t" "$build/corpus/$t" \
    >"$build/logs/$t.minimize.log" 2>&1
  rm -rf "${root:?}/fuzz/corpus/$t"
  import_by_sha256 "$keep/$t" "$root/fuzz/corpus/$t"
  echo "minimized fuzz/corpus/$t: $before -> $(ls "$root/fuzz/corpus/$t" | wc -l) files"
  rm -rf "$keep" "$all"
}

mkdir -p "$build/logs"
if ((seed)); then
  staging=$(mktemp -d)
  python3 "$root/fuzz/seeds/make_seeds.py" --out "$root/fuzz/corpus" --staging "$staging"
  for t in "${available[@]}"; do
    [ -d "$staging/$t" ] && merge_into_corpus "$t" "$staging/$t"
  done
  rm -rf "$staging"
fi

status=0
summary=()
for t in "${available[@]}"; do
  work="$build/corpus/$t"
  artifacts="$build/artifacts/$t/"
  mkdir -p "$work" "$artifacts" "$root/fuzz/corpus/$t"
  log="$build/logs/$t.log"
  echo "== $t: ${seconds}s"
  # New inputs land in $work (the first directory); fuzz/corpus/$t is only read.
  if nice -n 10 "$build/fuzz/$t" "${flags[@]}" -max_total_time="$seconds" -artifact_prefix="$artifacts" \
      "${extra[@]}" "$work" "$root/fuzz/corpus/$t" >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
    grep -E "==fuzz check failed==|ERROR: |SUMMARY: " -A2 "$log" | head -20 >&2 || true
    ls "$artifacts" >&2 || true
  fi
  cov=$(grep -oE "cov: [0-9]+ ft: [0-9]+ corp: [0-9]+" "$log" | tail -1 || true)
  execs=$(grep -oE "stat::number_of_executed_units: [0-9]+" "$log" | awk '{print $2}' || true)
  summary+=("$(printf '%-18s %-6s execs=%-10s %s' "$t" "$result" "${execs:-?}" "${cov:-}")")
  if ((merge)) && [ "$result" = ok ]; then merge_into_corpus "$t" "$work"; fi
  if ((minimize)) && [ "$result" = ok ]; then minimize_corpus "$t"; fi
done
printf '%s\n' "${summary[@]}"
exit $status
