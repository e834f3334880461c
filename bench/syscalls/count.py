#!/usr/bin/env python3
"""Counts, per operation, the system calls a thread made between its markers in `strace -f` output
(SyscallAudit writes "B label" and "E label" to /dev/null around each operation). Prints
label, operations seen, and the mean calls per operation by name."""
import collections
import re
import sys

LINE = re.compile(r'^(\d+)\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()')
MARK = re.compile(r'write\(\d+, "([BE]) ([^"]+)"')

section = {}
counts = collections.defaultdict(collections.Counter)
ops = collections.Counter()
for line in open(sys.argv[1], errors='replace'):
    m = LINE.match(line)
    if not m or m.group(2):  # a resumed call was counted when it started
        continue
    tid, name = m.group(1), m.group(3)
    mark = MARK.search(line)
    if name == 'write' and mark:
        kind, label = mark.groups()
        if kind == 'B':
            section[tid] = label
        else:
            section.pop(tid, None)
            if label != 'warm':
                ops[label] += 1
        continue
    label = section.get(tid)
    if label and label != 'warm':
        counts[label][name] += 1
for label in ops:
    n = ops[label]
    calls = ', '.join(f'{k} {v / n:.2f}' for k, v in sorted(counts[label].items(), key=lambda kv: -kv[1]))
    total = sum(counts[label].values()) / n
    print(f'{label}\t{n}\t{total:.2f}\t{calls}')
