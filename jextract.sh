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
# jextract writes into a temporary directory; bindings/ is replaced only when it succeeded,
# so a failed run (headers it cannot parse, a wrong CLANG_INCLUDE) leaves the tree as it was.
work=$(mktemp -d)
args=$work/args
trap 'rm -rf "$work"' EXIT

{
  echo "--output $work/out"
  echo "--target-package $package"
  echo "--header-class-name LibC"
  [ -n "${CLANG_INCLUDE:-}" ] && echo "-I ${CLANG_INCLUDE}"
  for kind in function constant struct union typedef; do
    list=jextract/${kind}s.txt
    [ -f "$list" ] || continue
    grep -v -e '^#' -e '^[[:space:]]*$' "$list" | sed "s/^/--include-$kind /"
  done
} > "$args"

if ! "$jextract" "@$args" jextract/shim.h; then
  echo "jextract.sh: jextract failed; $out/ is left as it was" >&2
  exit 1
fi
generated=$work/out/${package//.//}
if [ -z "$(find "$generated" -name '*.java' 2>/dev/null | head -1)" ]; then
  echo "jextract.sh: jextract reported success but wrote no sources; $out/ is left as it was" >&2
  exit 1
fi
rm -rf "${out:?}/${package//.//}"
mkdir -p "$(dirname "$out/${package//.//}")"
mv "$generated" "$out/${package//.//}"
echo "jextract.sh: wrote $(find "$out" -name '*.java' | wc -l) files under $out/"
