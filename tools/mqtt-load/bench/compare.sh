#!/usr/bin/env bash
# Side-by-side benchmark: mqttd vs Mosquitto (vs a byte relay, the physical limit) under mqtt-load.
#
# Every broker runs on a free 127.0.0.1 port and is restarted fresh for every run (so VmHWM is that run's peak).
# Targets alternate inside each round (mosquitto, mqttd, relay, mosquitto, ...), rounds repeat, and the table
# shows medians and the median ratio mqttd/Mosquitto per scenario.
#
#   tools/mqtt-load/bench/compare.sh [--rounds N] [--duration S] [--build DIR] [--mqttd PATH] [--load PATH]
#                                    [--relay PATH] [--only REGEX] [--out FILE] [--no-relay] [--threads "1 2"]
#
# --threads LIST runs mqttd once per thread count (targets mqttd-t1, mqttd-t2, ...) instead of once with its
# default; each gets its own ratio to Mosquitto.
#
# Needs: mqtt-load and mqtt-load-relay built (--build DIR), mosquitto (installed from Debian if missing),
# python3 (JSON and medians). mqttd is optional: without it the table has Mosquitto and the relay only.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
rounds=3
duration=5
build="$repo/build"
mqttd=""
load=""
relay=""
only=""
out=""
use_relay=1
mqttd_threads=""
storm_connections=5000

while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --build) build=$2; shift 2 ;;
        --mqttd) mqttd=$2; shift 2 ;;
        --load) load=$2; shift 2 ;;
        --relay) relay=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --no-relay) use_relay=0; shift ;;
        --storm-connections) storm_connections=$2; shift 2 ;;
        --threads) mqttd_threads=$2; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
load=${load:-$build/tools/mqtt-load/mqtt-load}
relay=${relay:-$build/tools/mqtt-load/mqtt-load-relay}
mqttd=${mqttd:-$build/tools/mqttd/mqttd}

[[ -x "$load" ]] || { echo "compare.sh: mqtt-load not found at $load (build it, or pass --build/--load)" >&2; exit 1; }
if [[ $use_relay -eq 1 && ! -x "$relay" ]]; then
    echo "compare.sh: mqtt-load-relay not found at $relay; running without the relay" >&2
    use_relay=0
fi

# Mosquitto from Debian.
mosquitto_bin=$(command -v mosquitto || true)
[[ -z "$mosquitto_bin" && -x /usr/sbin/mosquitto ]] && mosquitto_bin=/usr/sbin/mosquitto
if [[ -z "$mosquitto_bin" ]]; then
    echo "compare.sh: installing mosquitto (Debian package)" >&2
    if [[ $(id -u) -eq 0 ]]; then apt-get install -y mosquitto >&2; else sudo apt-get install -y mosquitto >&2; fi
    mosquitto_bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
fi
# Debian enables a mosquitto service on port 1883 on install; this script never uses that one.

targets=(mosquitto)
if [[ -x "$mqttd" && -n "$mqttd_threads" ]]; then
    for n in $mqttd_threads; do targets+=("mqttd-t$n"); done
elif [[ -x "$mqttd" ]]; then targets+=(mqttd); else echo "compare.sh: no mqttd at $mqttd: Mosquitto and relay only" >&2; fi
[[ $use_relay -eq 1 ]] && targets+=(relay)

work=$(mktemp -d /tmp/mqtt-compare.XXXXXX)
results="$work/results.tsv"
broker_pid=""
cleanup() {
    if [[ -n "$broker_pid" ]]; then kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=ports.sh
source "$here/ports.sh"

start_broker() {  # target -> sets broker_pid, port
    local target=$1
    port=$(free_port)
    # One configuration for both brokers (mqttd reads Mosquitto's format): the same queue and inflight limits, so
    # neither drops QoS 1 messages that the other would queue. mqttd always sets TCP_NODELAY; Mosquitto needs asking.
    cat > "$work/common.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
max_queued_messages 10000000
max_inflight_messages 0
persistence false
CONF
    case "$target" in
        mosquitto)
            { cat "$work/common.conf"; echo "set_tcp_nodelay true"; } > "$work/mosquitto.conf"
            "$mosquitto_bin" -c "$work/mosquitto.conf" > "$work/broker.log" 2>&1 &
            ;;
        mqttd) "$mqttd" -c "$work/common.conf" > "$work/broker.log" 2>&1 & ;;
        mqttd-t*) "$mqttd" -c "$work/common.conf" --threads "${target#mqttd-t}" > "$work/broker.log" 2>&1 & ;;
        relay) "$relay" "$port" > "$work/broker.log" 2>&1 & ;;
    esac
    broker_pid=$!
    if ! wait_port "$port"; then
        echo "compare.sh: $target did not start on port $port:" >&2
        cat "$work/broker.log" >&2
        exit 1
    fi
}

stop_broker() {
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    broker_pid=""
}

rss_kb() {  # field (VmRSS / VmHWM) of the broker, in kB
    awk -v f="$1:" '$1 == f { print $2 }' "/proc/$broker_pid/status"
}

# name | mqtt-load arguments. Throughput scenarios run as fast as possible; lat-* run at a fixed offered rate so
# both brokers carry the same load and latency compares like with like.
scenarios=(
    "fan-in-q0|fan-in -P 8 -S 1 -q 0"
    "fan-in-q1|fan-in -P 8 -S 1 -q 1"
    "fan-out-q0|fan-out -S 8 -q 0"
    "fan-out-q1|fan-out -S 8 -q 1"
    "pairs-q0|pairs -N 8 -q 0"
    "pairs-q1|pairs -N 8 -q 1"
    "lat-pairs-q1-10k|pairs -N 8 -q 1 -r 10000"
    "lat-fan-out-q0-5k|fan-out -S 8 -q 0 -r 5000"
)

echo -e "round\tscenario\ttarget\tdelivered_per_s\tsent_per_s\tp50_us\tp99_us\tlost\tload_cpu\thwm_kb\trss_kb\tidle_bytes_per_conn\tloadavg" > "$results"

run_scenario() {  # round name target args...
    local round=$1 name=$2 target=$3
    shift 3
    start_broker "$target"
    local la
    la=$(cut -d' ' -f1 /proc/loadavg)
    local json="$work/run.json"
    "$load" "$@" -b "127.0.0.1:$port" -d "$duration" --drain-timeout 10 --json --quiet > "$json" 2> "$work/load.err" || true
    local hwm rss
    hwm=$(rss_kb VmHWM)
    rss=$(rss_kb VmRSS)
    stop_broker
    python3 - "$json" "$round" "$name" "$target" "$hwm" "$rss" "$la" >> "$results" <<'PY'
import json, sys
path, rnd, name, target, hwm, rss, la = sys.argv[1:]
try:
    r = json.load(open(path))
except Exception as e:
    print(f"{rnd}\t{name}\t{target}\tnan\tnan\tnan\tnan\tnan\tnan\t{hwm}\t{rss}\tnan\t{la}"); sys.exit(0)
if r["errors"] or r["aborted"]:
    sys.stderr.write(f"compare.sh: {name} on {target}: {r['errors']} {r['note']}\n")
print(f"{rnd}\t{name}\t{target}\t{r['receive_rate']:.0f}\t{r['send_rate']:.0f}\t{r['latency']['p50_us']:.1f}\t"
      f"{r['latency']['p99_us']:.1f}\t{r['lost']}\t{r['cpu']['share']:.2f}\t{hwm}\t{rss}\tnan\t{la}")
PY
    tail -1 "$results" | tr '\t' ' ' >&2
}

run_storm() {  # round target: RSS per idle connection
    local round=$1 target=$2
    start_broker "$target"
    local la
    la=$(cut -d' ' -f1 /proc/loadavg)
    local base
    base=$(rss_kb VmRSS)
    "$load" storm -C "$storm_connections" -d 4 -b "127.0.0.1:$port" --json --quiet > "$work/storm.json" 2>/dev/null &
    local load_pid=$!
    # Sample once every connection is up (the run holds them 4 s after the last CONNACK).
    local held=0 rss=0
    for _ in $(seq 200); do
        sleep 0.1
        local n
        n=$(ls "/proc/$broker_pid/fd" 2>/dev/null | wc -l)
        if [[ $n -ge $storm_connections ]]; then held=1; sleep 1; rss=$(rss_kb VmRSS); break; fi
    done
    wait "$load_pid" || true
    local hwm
    hwm=$(rss_kb VmHWM)
    stop_broker
    local per="nan"
    [[ $held -eq 1 ]] && per=$(( (rss - base) * 1024 / storm_connections ))
    echo -e "$round\tstorm-idle-$storm_connections\t$target\tnan\tnan\tnan\tnan\t0\tnan\t$hwm\t$rss\t$per\t$la" >> "$results"
    tail -1 "$results" | tr '\t' ' ' >&2
}

echo "compare.sh: $rounds rounds x ${#scenarios[@]} scenarios x ${targets[*]}, ${duration}s each; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for round in $(seq "$rounds"); do
    for s in "${scenarios[@]}"; do
        name=${s%%|*}
        args=${s#*|}
        [[ -n "$only" && ! "$name" =~ $only ]] && continue
        for target in "${targets[@]}"; do
            # shellcheck disable=SC2086
            run_scenario "$round" "$name" "$target" $args
        done
    done
    if [[ -z "$only" || "storm" =~ $only ]]; then
        for target in "${targets[@]}"; do
            [[ $target == relay ]] && continue  # the relay keeps no per-connection state worth comparing
            run_storm "$round" "$target"
        done
    fi
done
echo "compare.sh: done; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

[[ -n "$out" ]] && cp "$results" "$out"
python3 - "$results" <<'PY'
import csv, math, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
def med(vals):
    vals = [float(v) for v in vals if v not in ("nan", "", None) and not math.isnan(float(v))]
    return statistics.median(vals) if vals else float("nan")
def fmt(v, unit=""):
    if math.isnan(v): return "-"
    if unit == "rate": return f"{v/1000:.1f}k"
    if unit == "us": return f"{v:.0f}"
    if unit == "kb": return f"{v/1024:.1f}"
    return f"{v:.0f}"
def ratio(a, b):
    return "-" if math.isnan(a) or math.isnan(b) or b == 0 else f"{a/b:.2f}"
names = list(dict.fromkeys(r["scenario"] for r in rows))
targets = list(dict.fromkeys(r["target"] for r in rows))
def pick(name, target, col):
    return [r[col] for r in rows if r["scenario"] == name and r["target"] == target]
def ratios(name, col, target):  # median of per-round ratios target/mosquitto
    per = {}
    for r in rows:
        if r["scenario"] == name: per.setdefault(r["round"], {})[r["target"]] = r[col]
    out = []
    for rnd, t in per.items():
        try:
            a, b = float(t[target]), float(t["mosquitto"])
            if b > 0 and not math.isnan(a): out.append(a / b)
        except (KeyError, ValueError):
            pass
    return f"{statistics.median(out):.2f}" if out else "-"
loads = sorted(float(r["loadavg"]) for r in rows if r.get("loadavg") not in (None, "", "nan"))
if loads:
    print(f"\n1-minute load average at run starts: min {loads[0]:.2f}, median {statistics.median(loads):.2f}, max {loads[-1]:.2f}")
print()
mqttds = [t for t in targets if t.startswith("mqttd")]
head = "| scenario | metric | " + " | ".join(targets + [f"{t}/mosquitto" for t in mqttds]) + " | relay/mosquitto |"
print(head)
print("|" + "---|" * (head.count("|") - 1))
for n in names:
    if n.startswith("storm"):
        metrics = [("idle_bytes_per_conn", "bytes/idle conn", ""), ("hwm_kb", "peak RSS MiB", "kb")]
    else:
        metrics = [("delivered_per_s", "delivered msg/s", "rate"), ("p50_us", "p50 us", "us"),
                   ("p99_us", "p99 us", "us"), ("hwm_kb", "peak RSS MiB", "kb"), ("lost", "lost", ""),
                   ("load_cpu", "mqtt-load cpu", "")]
    for col, label, unit in metrics:
        vals = {t: med(pick(n, t, col)) for t in targets}
        cells = [f"{vals[t]:.2f}" if col == "load_cpu" and not math.isnan(vals[t]) else fmt(vals[t], unit) for t in targets]
        rel = ratio(vals.get("relay", float("nan")), vals.get("mosquitto", float("nan")))
        mine = " | ".join(ratios(n, col, t) for t in mqttds)
        print(f"| {n} | {label} | " + " | ".join(cells) + (f" | {mine}" if mqttds else "") + f" | {rel} |")
PY
