#!/usr/bin/env bash
# The cost of durability: QoS 1 throughput of mqttd with persistence off / on (fsync per batch) / on (no fsync),
# and of Mosquitto with persistence off / on, under mqtt-load with persistent sessions (so that every message is
# session state). Every run gets a fresh broker on a free 127.0.0.1 port and a fresh store; targets alternate
# inside each round; the table shows medians of delivered messages/s.
#
#   tools/mqttd/bench/persistence.sh [--rounds N] [--duration S] [--build DIR] [--out FILE]
#
# Needs mqttd and mqtt-load built in --build DIR (Release), mosquitto, python3. Wrap it in `flock /tmp/bench.lock`.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
rounds=3
duration=5
build="$repo/build"
out=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --build) build=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "persistence.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
load=$build/tools/mqtt-load/mqtt-load
mqttd=$build/tools/mqttd/mqttd
mosquitto_bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
for b in "$load" "$mqttd" "$mosquitto_bin"; do [[ -x "$b" ]] || { echo "persistence.sh: $b missing" >&2; exit 1; }; done

work=$(mktemp -d /tmp/mqtt-persistence.XXXXXX)
results="$work/results.tsv"
broker_pid=""
cleanup() {
    if [[ -n "$broker_pid" ]]; then kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=../../mqtt-load/bench/ports.sh
source "$repo/tools/mqtt-load/bench/ports.sh"

start_broker() {  # target -> broker_pid, port
    local target=$1
    port=$(free_port)
    rm -rf "$work/store" && mkdir -p "$work/store"
    {
        echo "listener $port 127.0.0.1"
        echo "allow_anonymous true"
        echo "max_queued_messages 10000000"
        echo "max_inflight_messages 0"
        case "$target" in
            *-off) echo "persistence false" ;;
            *) echo "persistence true"; echo "persistence_location $work/store/" ;;
        esac
        [[ $target == mqttd-nosync ]] && echo "persistence_sync none"
        [[ $target == mosquitto-* ]] && echo "set_tcp_nodelay true"
    } > "$work/broker.conf"
    case "$target" in
        mosquitto-*) "$mosquitto_bin" -c "$work/broker.conf" > "$work/broker.log" 2>&1 & ;;
        mqttd-*) "$mqttd" -c "$work/broker.conf" > "$work/broker.log" 2>&1 & ;;
    esac
    broker_pid=$!
    wait_port "$port" || { echo "persistence.sh: $target did not start" >&2; cat "$work/broker.log" >&2; exit 1; }
}
stop_broker() {
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    broker_pid=""
}

targets=(mqttd-off mqttd-batch mqttd-nosync mosquitto-off mosquitto-on)
scenarios=(
    "pairs-q1|pairs -N 8 -q 1 --persistent"
    "fan-in-q1|fan-in -P 8 -S 1 -q 1 --persistent"
)
echo -e "round\tscenario\ttarget\tdelivered_per_s\tp50_us\tp99_us\tlost\tloadavg" > "$results"
echo "persistence.sh: $rounds rounds, ${duration}s each; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for round in $(seq "$rounds"); do
    for s in "${scenarios[@]}"; do
        name=${s%%|*}
        read -r -a args <<< "${s#*|}"
        for target in "${targets[@]}"; do
            start_broker "$target"
            la=$(cut -d' ' -f1 /proc/loadavg)
            "$load" "${args[@]}" -b "127.0.0.1:$port" -d "$duration" --drain-timeout 20 --client-prefix "p$round-" \
                --json --quiet > "$work/run.json" 2> "$work/load.err" || true
            stop_broker
            python3 - "$work/run.json" "$round" "$name" "$target" "$la" >> "$results" <<'PY'
import json, sys
path, rnd, name, target, la = sys.argv[1:]
try:
    r = json.load(open(path))
    print(f"{rnd}\t{name}\t{target}\t{r['receive_rate']:.0f}\t{r['latency']['p50_us']:.1f}\t"
          f"{r['latency']['p99_us']:.1f}\t{r['lost']}\t{la}")
except Exception:
    print(f"{rnd}\t{name}\t{target}\tnan\tnan\tnan\tnan\t{la}")
PY
            tail -1 "$results" | tr '\t' ' ' >&2
        done
    done
done
python3 - "$results" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
def med(xs):
    xs = [float(x) for x in xs if x != "nan"]
    return statistics.median(xs) if xs else float("nan")
print("| scenario | target | delivered msg/s (median) | p50 µs | p99 µs | lost | load avg |")
print("|---|---|---|---|---|---|---|")
for s in dict.fromkeys(r["scenario"] for r in rows):
    for t in dict.fromkeys(r["target"] for r in rows):
        rs = [r for r in rows if r["scenario"] == s and r["target"] == t]
        print(f"| {s} | {t} | {med(r['delivered_per_s'] for r in rs):,.0f} | {med(r['p50_us'] for r in rs):,.0f} | "
              f"{med(r['p99_us'] for r in rs):,.0f} | {sum(int(r['lost']) for r in rs if r['lost'] != 'nan')} | "
              f"{med(r['loadavg'] for r in rs):.2f} |")
PY
[[ -n "$out" ]] && cp "$results" "$out"
exit 0
