#!/usr/bin/env bash
# The benchmark suite in one command: builds the benchmarks and the C baselines, runs the
# C programs and then JMH in the same invocation, and renders the report.
#
#   bench/run.sh --quick     about 11 minutes on 2 cores (bench/README.md); results in bench/results/
#   bench/run.sh --full      2 forks, 5 iterations of 1 s, more C iterations (about 45 minutes)
#   bench/run.sh --smoke     1 fork, 1 short iteration: checks that everything runs;
#                            results in bench/results/tmp/ (not to be committed)
# Options: --filter REGEX   only JMH benchmarks matching REGEX (and C runs of their rows)
#          --no-build       reuse bench/target/benchmarks.jar
#          --out DIR        write results to DIR
#          --jmh "ARGS"     more JMH options, e.g. --jmh "-prof perfnorm" or --jmh "-p placement=cross"
#          --wait-healthy   check the machine's health first (C pipe round trip across CPUs and
#                           getpid, about 2 s) until it is healthy: at most --health-attempts N
#                           checks (6), --health-wait S seconds apart (30); if it never is, say so
#                           and run anyway (the report says so at its top)
#          --health-only    only the health check(s): exit 0 healthy, 1 disturbed, 2 not judged
#          --no-health      no health check (by default one before and one after the run)
#
# Needs: Maven and a JDK >= 25 (found like the build finds it: JAVA_HOME, /usr/lib/jvm, PATH),
# python3 for the report, gcc for the C column (skipped with a note without it), taskset
# for pinning (util-linux).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
mode=quick
filter=
build=1
out=
extra=()
health=once
health_attempts=6
health_wait=30
health_only=0
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) mode=quick ;;
        --full) mode=full ;;
        --smoke) mode=smoke ;;
        --filter) filter=$2; shift ;;
        --no-build) build=0 ;;
        --out) out=$2; shift ;;
        --jmh) read -r -a extra <<<"$2"; shift ;;
        --wait-healthy) health=wait ;;
        --health-attempts) health_attempts=$2; shift ;;
        --health-wait) health_wait=$2; shift ;;
        --health-only) health_only=1 ;;
        --no-health) health=off ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 64 ;;
    esac
    shift
done

if [ "$health_only" = 1 ] && [ -z "$out" ]; then
    out=$(mktemp -d)   # the verdicts go to the terminal; --out DIR keeps health.txt
    trap 'rm -rf "$out"' EXIT
fi
case "$mode" in
    smoke) jmh=(-f 1 -wi 1 -w 300ms -i 1 -r 300ms); c_warmup=0; c_iters=1; c_ms=100; out=${out:-$here/results/tmp} ;;
    quick) jmh=(-f 1 -wi 1 -w 800ms -i 4 -r 600ms); c_warmup=1; c_iters=4; c_ms=200; out=${out:-$here/results} ;;
    full) jmh=(-f 2 -wi 2 -w 1s -i 5 -r 1s -p idle=busySpin,yielding,backoff); c_warmup=2; c_iters=10; c_ms=500; out=${out:-$here/results} ;;
esac
mkdir -p "$out"
out=$(cd "$out" && pwd)

log() { printf '[bench] %s\n' "$*" >&2; }

java_version() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }

find_java() {
    local candidates=()
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
    for d in /usr/lib/jvm/*/bin/java /opt/*/bin/java; do [ -x "$d" ] && candidates+=("$d"); done
    command -v java >/dev/null && candidates+=("$(command -v java)")
    local best= best_v=0 v
    for j in "${candidates[@]}"; do
        [ -x "$j" ] || continue
        v=$(java_version "$j")
        if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$best_v" ]; then best=$j; best_v=$v; fi
    done
    [ -n "$best" ] || { echo "no JDK >= 25 found (set JAVA_HOME)" >&2; exit 1; }
    echo "$best"
}

JAVA=$(find_java)
log "mode=$mode java=$JAVA out=$out"

if [ "$build" = 1 ] && [ "$health_only" = 0 ]; then
    log "building bench/target/benchmarks.jar"
    mvn -q -B -f "$here/pom.xml" package
fi

# --- C programs and the machine's health -----------------------------------------------------
cbin="$here/target/c"
if command -v gcc >/dev/null; then
    mkdir -p "$cbin"
    for src in "$here"/c/*.c; do
        gcc -O2 -Wall -Wextra -o "$cbin/$(basename "$src" .c)" "$src" -lrt -lpthread
    done
fi

# One health check (PHASE ATTEMPT): C's pipe round trip across CPUs and getpid, appended to
# health.txt; returns render.py's verdict (0 healthy, 1 disturbed, 2 not judged).
health_check() {
    local tmp verdict status=0
    tmp=$(mktemp)
    if command -v gcc >/dev/null; then
        "$cbin/pipe" rtt cross 1 5 100 >> "$tmp" < /dev/null || echo "FAILED pipe.rtt cross" >> "$tmp"
        "$cbin/syscall" getpid none 1 5 50 >> "$tmp" < /dev/null || echo "FAILED syscall.getpid none" >> "$tmp"
    fi
    { echo "check $1 $2 $(date -u +%H:%M:%SZ), load $(cut -d' ' -f1-3 /proc/loadavg)"; cat "$tmp"; } >> "$out/health.txt"
    verdict=$(python3 "$here/report/render.py" --health "$tmp") || status=$?
    log "health check $1 the run, attempt $2: $verdict"
    rm -f "$tmp"
    return "$status"
}

health_status=0
if [ "$health" != off ] || [ "$health_only" = 1 ]; then
    : > "$out/health.txt"
    attempts=1
    [ "$health" = wait ] && attempts=$health_attempts
    for ((attempt = 1; attempt <= attempts; attempt++)); do
        health_status=0
        health_check before "$attempt" || health_status=$?
        [ "$health_status" = 1 ] || break
        if [ "$attempt" -lt "$attempts" ]; then
            log "the machine is disturbed: checking again in ${health_wait} s"
            sleep "$health_wait"
        elif [ "$attempts" -gt 1 ]; then
            log "the machine NEVER became healthy in $attempts checks ${health_wait} s apart$([ "$health_only" = 1 ] || echo ': running anyway, the report says so')"
        elif [ "$health_only" = 0 ]; then
            log "the machine is disturbed: running anyway, the report flags the rows (--wait-healthy waits for a healthy machine)"
        fi
    done
    if [ "$health_only" = 1 ]; then
        exit "$health_status"
    fi
else
    rm -f "$out/health.txt"
fi

# --- the registry: rows to run and report ------------------------------------------------
rows=$(grep -v '^#' "$here/registry.tsv" | grep -v '^[[:space:]]*$')

# --- environment ---------------------------------------------------------------------------
{
    echo "mode: $mode"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (work tree modified)')"
    echo "kernel: $(uname -srm)"
    echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "cpus: $(nproc)"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "virtualization: $(systemd-detect-virt 2>/dev/null || echo unknown)"
    # What the guest kernel was told about its hypervisor and idle CPUs: where a wake-up across
    # CPUs is slow, these are what differs between runs (the health line says how slow).
    echo "guest: $(tr ' ' '\n' < /proc/cmdline | grep -E '^(nested_pvm|haltpoll|cpuidle|mitigations|sched_vcpu|idle)' | tr '\n' ' ')cpuidle=$(cat /sys/devices/system/cpu/cpuidle/current_driver 2>/dev/null || echo none)"
    echo "java: $("$JAVA" -version 2>&1 | sed -n 2p)"
    echo "gcc: $(gcc --version 2>/dev/null | head -1 || echo none)"
    echo "taskset: $(command -v taskset || echo none)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "jmh: ${jmh[*]} ${extra[*]}"
    echo "c: warmup=$c_warmup iterations=$c_iters iteration_ms=$c_ms"
} > "$out/env.txt"

# --- C baselines -----------------------------------------------------------------------
: > "$out/c.txt"
if command -v gcc >/dev/null; then
    declare -A done_runs=()
    while IFS=$'\t' read -r id title kind items placements c ours jdk junix agrona target; do
        [ "$c" = "-" ] && continue
        if [ -n "$filter" ] && ! grep -qE -- "$filter" <<<"$id $ours $jdk $junix $agrona"; then continue; fi
        read -r prog cmode <<<"$c"
        for p in ${placements//,/ }; do
            key="$prog $cmode $p"
            [ -n "${done_runs[$key]:-}" ] && continue
            done_runs[$key]=1
            log "C: $prog $cmode $p"
            if ! timeout 300 "$cbin/$prog" "$cmode" "$p" "$c_warmup" "$c_iters" "$c_ms" >> "$out/c.txt" < /dev/null; then
                echo "FAILED $prog.$cmode $p" >> "$out/c.txt"
            fi
        done
    done <<< "$rows"
else
    echo "NOTE gcc not found: the C column is skipped" > "$out/c.txt"
    log "gcc not found: C baselines skipped"
fi

# --- JMH ---------------------------------------------------------------------------------
# The benchmarks this build has (a mechanism's are compiled once the library has it).
"$JAVA" --sun-misc-unsafe-memory-access=allow -jar "$here/target/benchmarks.jar" -l 2>/dev/null \
    | grep '^org\.panamaipc\.' > "$out/benchmarks.txt" || true
log "JMH ${jmh[*]}"
# From the repository root: signal.SignalFdRoundTrip names its fork's JVM launcher
# (bench/jvm-blocking-sigusr1) relative to it.
cd "$root"
"$JAVA" --sun-misc-unsafe-memory-access=allow -jar "$here/target/benchmarks.jar" "${jmh[@]}" -prof gc \
    -jvmArgsPrepend --sun-misc-unsafe-memory-access=allow "${extra[@]}" \
    -rf json -rff "$out/jmh.json" ${filter:+"$filter"} 2>&1 | tee "$out/jmh.log" | grep -E '^# (Benchmark|Parameters):|^Iteration|ERROR|Exception' >&2 || true
[ -s "$out/jmh.json" ] || { echo "JMH wrote no results; see $out/jmh.log" >&2; exit 1; }
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/env.txt"
[ "$health" = off ] || health_check after 1 || true

# --- leftovers ---------------------------------------------------------------------------
left=$(ls /dev/shm /tmp 2>/dev/null | grep -c '^panama-bench-' || true)
[ "$left" = 0 ] || log "WARNING: $left panama-bench-* objects left in /dev/shm or /tmp"
peers=$(pgrep -f 'org\.panamaipc\.bench\..*Peer' | wc -l || true)
[ "$peers" = 0 ] || log "WARNING: $peers peer processes still running: pgrep -af 'org.panamaipc.bench'"

# --- report ------------------------------------------------------------------------------
echo "elapsed: $((SECONDS / 60)) min $((SECONDS % 60)) s (build, C and JMH)" >> "$out/env.txt"
python3 "$here/report/render.py" "$here/registry.tsv" "$out"
log "report: $out/REPORT.md, chart: $out/ratios.svg"
