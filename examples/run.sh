#!/usr/bin/env bash
# Builds the examples against the installed library (run `mvn install` at the repository
# root first) and runs each one twice: as a named module on the module path, and on the
# class path. Extra arguments go to Maven, e.g. `examples/run.sh -o`.
set -euo pipefail
cd "$(dirname "$0")"

# A JDK >= 25 to run them: JAVA_HOME if it is one, else the first under /usr/lib/jvm.
jdk_ok() { [[ -x "$1/bin/java" && -f "$1/release" ]] &&
  [[ $(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release") -ge 25 ]]; }
JDK=
if [[ -n "${JAVA_HOME:-}" ]] && jdk_ok "$JAVA_HOME"; then JDK=$JAVA_HOME; fi
if [[ -z "$JDK" ]]; then
  for candidate in /usr/lib/jvm/*; do jdk_ok "$candidate" && { JDK=$candidate; break; }; done
fi
[[ -n "$JDK" ]] || { echo "examples/run.sh: needs a JDK 25 or newer (JAVA_HOME or /usr/lib/jvm)" >&2; exit 1; }

mvn -B -q -ntp "$@" compile
lib=$(ls target/lib/panama-ipc-*.jar)

examples=(QueueBetweenJvms SharedMemoryWithPython DescriptorsWithC ChannelBetweenProcesses)
for example in "${examples[@]}"; do
  echo "== $example, module path"
  "$JDK/bin/java" --enable-native-access=org.panamaipc --module-path "target/classes:$lib" \
    --module "org.panamaipc.examples/org.panamaipc.examples.$example"
  echo "== $example, class path"
  "$JDK/bin/java" --enable-native-access=ALL-UNNAMED --class-path "target/classes:$lib" \
    "org.panamaipc.examples.$example"
done
echo "examples/run.sh: ${#examples[@]} examples ran on the module path and on the class path"
