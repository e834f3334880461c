#!/bin/sh
# Counts the system calls of every wait the library offers, per operation, on a platform
# thread: SyscallAudit under strace -f, counted by count.py. Usage (from the repository root,
# after `mvn compile`): bench/syscalls/audit.sh [CLASSES_DIR]   (default target/classes)
set -e
here=$(dirname "$0")
classes=${1:-target/classes}
java=${JAVA:-java}
out=$(mktemp /tmp/syscall-audit.XXXXXX)
strace -f -qq -s 64 -o "$out" "$java" --enable-native-access=ALL-UNNAMED -cp "$classes" "$here/SyscallAudit.java" >/dev/null
python3 "$here/count.py" "$out"
rm -f "$out"
