#!/usr/bin/env bash
# A/B of two mqttd binaries (or two command lines) under mqtt-load, alternating, ROUNDS rounds of 5 s per scenario.
# Same broker configuration as compare.sh. Prints delivered msg/s, p99 and the 1-minute load average per run.
#
#   tools/mqtt-load/bench/ab.sh MQTT_LOAD "MQTTD_A [args]" "MQTTD_B [args]" [ROUNDS]
set -u
load=$1
a=$2
b=$3
rounds=${4:-2}
conf=$(mktemp)
trap 'rm -f "$conf"' EXIT
for round in $(seq "$rounds"); do
  for sc in "fan-in -P 8 -S 1 -q 1" "pairs -N 8 -q 0" "fan-out -S 8 -q 1"; do
    for cmd in "$a" "$b"; do
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
      printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 10000000\nmax_inflight_messages 0\npersistence false\nlog_type error\n' "$port" > "$conf"
      # shellcheck disable=SC2086
      $cmd -c "$conf" > /dev/null 2>&1 & pid=$!
      sleep 0.5
      # shellcheck disable=SC2086
      r=$("$load" $sc -b "127.0.0.1:$port" -d 5 --drain-timeout 10 --json --quiet 2>/dev/null |
          python3 -c 'import json, sys; r = json.load(sys.stdin); print("%.0f msg/s p99=%.0f us" % (r["receive_rate"], r["latency"]["p99_us"]))')
      kill "$pid"; wait "$pid" 2>/dev/null
      echo "$round | $sc | $cmd | $r | load $(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
