#!/usr/bin/env bash
# The one-CPU gap experiments (bench/NOTES.md, "The one-CPU gap"): every variant of an 8-byte
# FIFO round trip with both ends on CPU 0, alternated ROUNDS times in one session so that the
# machine's changing load falls on all of them alike.
#
#   bench/onecpu/run.sh [ROUNDS] [ITERATIONS] [ITERATION_MS] [VARIANT...]   (defaults 3 3 300, all)
#
# VARIANT: c c-ymm c-thread c-256k c-16k-client c-64k-client c-2m c-jpeer j j-thread j-cpeer j-plain j-critical j-c1 j-small j-noavx
# (see run() below). The figure to read is cpu_ns (time on the CPU per round trip, both sides):
# it hardly depends on what else the machine runs, while the wall time per round trip does.
# Needs bench/target/benchmarks.jar (mvn -f bench/pom.xml package), gcc, taskset and a JDK >= 25
# (JAVA_HOME or /usr/lib/jvm/temurin-25-jdk-amd64). Prints RESULT and SWITCHES lines; each
# variant is preceded by a line with the load average.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=${1:-3}
iters=${2:-3}
ms=${3:-300}
jdk=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
target="$root/bench/target"
gcc -O2 -Wall -Wextra -o "$target/onecpu" "$here/onecpu.c" -lpthread
"$jdk/bin/javac" -d "$target/onecpu-classes" -cp "$target/benchmarks.jar" "$here/OneCpu.java"
java=("$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$target/benchmarks.jar:$target/onecpu-classes")
# The peer JVM as the benchmarks start it (infra.Peer): whole JVM on the CPU, Serial GC, small heap.
peer=(taskset -c 0 "${java[@]}" -XX:+UseSerialGC -Xms64m -Xmx256m OneCpu peer)

variant() {
    echo "== $1 load $(cut -d' ' -f1-3 /proc/loadavg)"
    shift
    "$@" || echo "FAILED"
}

run() {
    case "$1" in
        c) variant "C, two processes" "$target/onecpu" proc 0 "$iters" "$ms" ;;
        c-ymm) variant "C, two processes, AVX upper halves in use" env ONECPU_DIRTY_YMM=1 "$target/onecpu" proc 0 "$iters" "$ms" ;;
        c-thread) variant "C, two threads of one process" "$target/onecpu" thread 0 "$iters" "$ms" ;;
        c-256k) variant "C, two processes touching 256 KiB each per message" "$target/onecpu" proc 256 "$iters" "$ms" ;;
        c-64k-client) variant "C, two processes, the measuring side touching 64 KiB per message" "$target/onecpu" proc 64c "$iters" "$ms" ;;
        c-16k-client) variant "C, two processes, the measuring side touching 16 KiB per message" "$target/onecpu" proc 16c "$iters" "$ms" ;;
        c-2m) variant "C, two processes touching 2 MiB each per message" "$target/onecpu" proc 2048 "$iters" "$ms" ;;
        j) variant "JVM-JVM, Sys (the benchmark)" "${java[@]}" OneCpu proc sys "$iters" "$ms" "${peer[@]}" sys ;;
        j-thread) variant "JVM, two threads of one JVM, Sys" "${java[@]}" OneCpu thread sys "$iters" "$ms" ;;
        c-jpeer)
            local d peer_pid
            d=$(mktemp -d)
            mkfifo -m 600 "$d/down" "$d/up"
            "${peer[@]}" sys "$d/down" "$d/up" > /dev/null &
            peer_pid=$!
            variant "C client, JVM peer, Sys" "$target/onecpu" client "$d/down" "$d/up" "$iters" "$ms" "$peer_pid"
            kill "$peer_pid" 2> /dev/null || true
            wait "$peer_pid" 2> /dev/null || true
            rm -rf "$d" ;;
        j-cpeer) variant "JVM client, C peer, Sys" "${java[@]}" OneCpu proc sys "$iters" "$ms" "$target/onecpu" peer ;;
        j-plain) variant "JVM-JVM, plain downcalls (no errno capture)" "${java[@]}" OneCpu proc plain "$iters" "$ms" "${peer[@]}" plain ;;
        j-critical) variant "JVM-JVM, critical downcalls (no thread-state transition)" "${java[@]}" OneCpu proc critical "$iters" "$ms" "${peer[@]}" critical ;;
        j-c1) variant "JVM-JVM, Sys, both -XX:TieredStopAtLevel=1" "${java[@]}" -XX:TieredStopAtLevel=1 OneCpu proc sys "$iters" "$ms" \
            taskset -c 0 "${java[@]}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms64m -Xmx256m OneCpu peer sys ;;
        j-small) variant "JVM-JVM, Sys, measuring JVM whole on CPU 0 (taskset), Serial GC, 16 MiB heaps" \
            taskset -c 0 "${java[@]}" -XX:+UseSerialGC -Xms16m -Xmx16m OneCpu proc sys "$iters" "$ms" \
            taskset -c 0 "${java[@]}" -XX:+UseSerialGC -Xms16m -Xmx16m OneCpu peer sys ;;
        j-noavx) variant "JVM-JVM, Sys, both -XX:UseAVX=0" "${java[@]}" -XX:UseAVX=0 OneCpu proc sys "$iters" "$ms" \
            taskset -c 0 "${java[@]}" -XX:UseAVX=0 -XX:+UseSerialGC -Xms64m -Xmx256m OneCpu peer sys ;;
        *) echo "unknown variant $1" >&2; exit 64 ;;
    esac
}

variants=("${@:4}")
[ ${#variants[@]} -gt 0 ] || variants=(c j c-thread j-thread c-256k j-cpeer j-plain j-critical c-2m j-c1 j-small c-ymm j-noavx)
for ((r = 1; r <= rounds; r++)); do
    echo "#### round $r"
    for v in "${variants[@]}"; do run "$v"; done
done
