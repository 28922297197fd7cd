#!/usr/bin/env bash
# run-mqttd.sh: install dependencies, build, start mqttd on localhost:1883 with its built-in defaults.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build"
exec "$root/build/tools/mqttd/mqttd" "$@"
