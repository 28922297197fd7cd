#!/usr/bin/env bash
# test.sh: install dependencies, build with -Werror, run every test (the README's test command).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build" -DMQTT_WERROR=ON
ctest --test-dir "$root/build" --output-on-failure --timeout 300 -j "$(nproc)"
