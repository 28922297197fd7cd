#!/usr/bin/env bash
# RSS per idle connection of mqttd: start it, open N idle MQTT connections, compare VmRSS before and after.
# usage: idle_rss.sh [MQTTD_BINARY] [N] [PORT]     (docs/benchmarks.md, "## mqttd")
set -euo pipefail
bin=${1:-build/tools/mqttd/mqttd}
n=${2:-10000}
port=${3:-18883}
here=$(cd "$(dirname "$0")" && pwd)
ulimit -n "$(ulimit -Hn)"
conf=$(mktemp)
printf 'listener %s 127.0.0.1\nlog_type error\nlog_type warning\n' "$port" > "$conf"
"$bin" -c "$conf" & pid=$!
trap 'kill $pid $cpid 2>/dev/null || true; rm -f "$conf"' EXIT
cpid=
sleep 0.5
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
before=$(rss)
/usr/bin/python3 "$here/idle_clients.py" "$port" "$n" > /tmp/idle_clients.$$ 2>&1 & cpid=$!
for _ in $(seq 600); do grep -q READY /tmp/idle_clients.$$ && break; sleep 0.1; done
cat /tmp/idle_clients.$$
sleep 1
after=$(rss)
fds=$(ls /proc/$pid/fd | wc -l)
echo "mqttd: VmRSS ${before} kB idle, ${after} kB with ${n} connections (${fds} fds open)"
awk -v b="$before" -v a="$after" -v n="$n" 'BEGIN { printf "RSS per idle connection: %.2f kB (%.0f bytes)\n", (a-b)/n, (a-b)*1024/n }'
kill $cpid; wait $cpid 2>/dev/null || true
sleep 1
echo "mqttd: VmRSS $(rss) kB after the clients left"
rm -f /tmp/idle_clients.$$
