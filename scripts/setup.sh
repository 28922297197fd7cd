#!/usr/bin/env bash
# Installs every build, test and interop dependency from Debian 12 (as root; uses sudo when not root).
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  libfmt-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev libpcap-dev libssl-dev libsqlite3-dev liblmdb-dev
  clang-16 libclang-rt-16-dev
  mosquitto mosquitto-clients python3-paho-mqtt
)
# Node.js may come from elsewhere (nodesource ships npm inside nodejs): install Debian's only when absent.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Debian's mosquitto package starts a broker on port 1883 that would collide with mqttd: tests start their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mosquitto 2>/dev/null; then
  systemctl stop mosquitto || true
  systemctl disable mosquitto >/dev/null 2>&1 || true
fi
