#!/usr/bin/env bash
# Regenerates bindings/ from jextract/shim.h and the include lists beside it
# (one symbol a line: functions.txt, constants.txt, structs.txt, unions.txt, typedefs.txt).
#
#   JEXTRACT=/path/to/jextract ./jextract.sh      (default: jextract on PATH)
#   CLANG_INCLUDE=/usr/lib/llvm-14/lib/clang/14.0.6/include ./jextract.sh
#
# CLANG_INCLUDE names clang's builtin include directory (stddef.h, stdarg.h) when the
# jextract at hand does not find it by itself. The output is committed; building the
# project never needs jextract.
set -euo pipefail
cd "$(dirname "$0")"

jextract=${JEXTRACT:-$(command -v jextract || true)}
if [ -z "$jextract" ] || [ ! -x "$jextract" ]; then
  echo "jextract.sh: no jextract found. Put jextract on PATH or set JEXTRACT=/path/to/bin/jextract" >&2
  echo "  (jextract is built from https://github.com/openjdk/jextract; it needs libclang)" >&2
  exit 1
fi

package=org.panamaipc.bindings
out=bindings
args=$(mktemp)
trap 'rm -f "$args"' EXIT

{
  echo "--output $out"
  echo "--target-package $package"
  echo "--header-class-name LibC"
  [ -n "${CLANG_INCLUDE:-}" ] && echo "-I ${CLANG_INCLUDE}"
  for kind in function constant struct union typedef; do
    list=jextract/${kind}s.txt
    [ -f "$list" ] || continue
    grep -v -e '^#' -e '^[[:space:]]*$' "$list" | sed "s/^/--include-$kind /"
  done
} > "$args"

rm -rf "$out/${package//.//}"
"$jextract" "@$args" jextract/shim.h
echo "jextract.sh: wrote $(find "$out" -name '*.java' | wc -l) files under $out/"
