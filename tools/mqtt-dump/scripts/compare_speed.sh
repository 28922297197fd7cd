#!/bin/bash
# CPU time of two mqtt-dump binaries, text / --json / --stats, alternating, output to /dev/null; then cmp of their
# full outputs. Used for the "## mqtt-dump" table of docs/benchmarks.md.
#   tools/mqtt-dump/scripts/compare_speed.sh OLD_BINARY NEW_BINARY CAPTURE [RUNS]
set -u
old=$1 new=$2 file=$3 runs=${4:-3}
fmt='%e s wall %U user %S sys %M KB'
t=$(mktemp)
trap 'rm -f "$t"' EXIT
for ((r = 1; r <= runs; r++)); do
    for b in old new; do
        bin=$old; [ "$b" = new ] && bin=$new
        for mode in text --json --stats; do
            args=(); [ "$mode" != text ] && args=("$mode")
            /usr/bin/time -f "$fmt" -o "$t" "$bin" "${args[@]}" "$file" > /dev/null
            echo "$b $mode run $r: $(cat "$t")"
        done
    done
done
for mode in text --json; do
    args=(); [ "$mode" != text ] && args=("$mode")
    if cmp <("$old" "${args[@]}" "$file") <("$new" "${args[@]}" "$file"); then
        echo "$mode: identical output"
    else
        echo "$mode: OUTPUT DIFFERS"
    fi
done
