#!/usr/bin/env python3
"""Renders the benchmark report from one run of bench/run.sh.

    render.py REGISTRY RESULTS_DIR
    render.py --health C_RESULTS   (judges a health check: exit 0 good, 1 disturbed, 2 not judged)

reads RESULTS_DIR/jmh.json (JMH's JSON), RESULTS_DIR/c.txt (the RESULT lines of the C
programs), RESULTS_DIR/env.txt (machine, kernel, settings) and writes
RESULTS_DIR/REPORT.md (the table) and RESULTS_DIR/ratios.svg (the chart); where
RESULTS_DIR/health.txt holds bench/run.sh's health checks, the report judges them too. Python 3
standard library only.

Statistics: every figure is the median of the iteration means of its run (all forks),
with the range [min-max] of those means as its error bar. Ratios are taken between
figures of the same run only.
"""

import html
import json
import math
import os
import statistics
import sys

PREFIX = "org.panamaipc.bench."
IMPLS = ("ours", "jdk", "junixsocket", "agrona")
IMPL_NAMES = {"ours": "panama-ipc", "jdk": "JDK", "junixsocket": "junixsocket", "agrona": "Agrona"}
COLORS = {"ours": "#1f6fb4", "jdk": "#e08a1e", "junixsocket": "#2e9a48", "agrona": "#8a4fb8"}
ZERO_ALLOC = 1.0  # B/op below this counts as 0 (JMH's own bookkeeping shows as ~0.05 B/op)

# C figures of a quiet machine of this kind (2-vCPU KVM guest, medians of runs that agreed
# within 2 %): the yardstick a run's own C column is held against. On a disturbed day C's own
# pipe round trip across CPUs was seen at 65-295 us and getpid at 185-214 ns.
HEALTH_REFERENCE = {("pipe.rtt", "cross"): ("C pipe round trip across CPUs", 7735.0),
                    ("syscall.getpid", "none"): ("getpid", 86.5)}
HEALTH_FACTOR = 1.5   # a C figure further than this from its reference: the machine is not itself
HEALTH_SPREAD = 1.15  # C round trips varying more than this between iterations (median row): noisy
# A row whose own C iterations spread more than this (slowest / fastest iteration mean) cannot
# judge a target of 1.03-1.10 on the ratio: on a quiet machine 57 of 60 C runs stay within
# 1.07 (bench/README.md, "Machine health").
ROW_SPREAD = 1.10
HEALTH_FILE = "health.txt"  # the health checks bench/run.sh made before and after the run
TWIN_SUFFIX = ".vt"   # registry id of a row measured on virtual threads: its twin's id plus this


class Stat:
    """Median and range of iteration means, in ns per operation."""

    def __init__(self, samples):
        self.samples = sorted(samples)
        self.median = statistics.median(self.samples)
        self.lo = self.samples[0]
        self.hi = self.samples[-1]


def read_registry(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 11:
                raise SystemExit(f"registry: expected 11 tab-separated columns: {line!r}")
            keys = ("id", "title", "kind", "items", "placements", "c", "ours", "jdk", "junixsocket",
                    "agrona", "target")
            row = dict(zip(keys, cols))
            row["items"] = int(row["items"])
            row["placements"] = row["placements"].split(",")
            rows.append(row)
    return rows


def result_line(parts):
    """A C program's `RESULT program.mode placement ns means...` line, split into words:
    ((program.mode, placement), Stat), or None for any other line."""
    if len(parts) >= 5 and parts[0] == "RESULT":
        return (parts[1], parts[2]), Stat([float(v) for v in parts[4:]])
    return None


def read_c(path):
    results, notes = {}, []
    if not os.path.exists(path):
        return results, ["no C results in this run"]
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            result = result_line(parts)
            if result:
                results[result[0]] = result[1]
            elif parts[0] in ("NOTE", "SKIP", "FAILED"):
                notes.append(line.strip())
    return results, notes


def read_jmh(path):
    """Maps (benchmark, frozenset of params) to (Stat, B/op or None)."""
    results = {}
    if not os.path.exists(path):
        return results
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    for entry in data:
        metric = entry["primaryMetric"]
        unit = metric.get("scoreUnit", "ns/op")
        scale = {"ns/op": 1.0, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}.get(unit)
        if scale is None:
            continue
        samples = [v * scale for fork in metric.get("rawData", []) for v in fork]
        if not samples:
            samples = [metric["score"] * scale]
        alloc = None
        for name, sec in entry.get("secondaryMetrics", {}).items():
            if name.lstrip("·:").endswith("gc.alloc.rate.norm"):
                # the median iteration: JMH runs a trial's tear-down (closing objects, ending a
                # peer JVM) inside the last measured iteration, which the mean would charge to it
                raw = [v for fork in sec.get("rawData") or [] for v in fork]
                alloc = statistics.median(raw) if raw else sec.get("score")
        params = frozenset((entry.get("params") or {}).items())
        results[(entry["benchmark"], params)] = (Stat(samples), alloc)
    return results


def read_available(path):
    """The benchmarks the jar of this run has (None when unknown)."""
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return {line.strip() for line in f if line.strip()}


def read_env(path):
    env = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if ":" in line:
                    k, v = line.split(":", 1)
                    env[k.strip()] = v.strip()
    return env


def parse_spec(spec):
    """'pkg.Class.method[a=1,b=2]' -> (full benchmark name, {params})."""
    params = {}
    if "[" in spec:
        spec, rest = spec.split("[", 1)
        for kv in rest.rstrip("]").split(","):
            k, v = kv.split("=", 1)
            params[k.strip()] = v.strip()
    return PREFIX + spec, params


def find_jmh(jmh, spec, placement):
    if spec == "-":
        return None
    name, params = parse_spec(spec)
    for (bench, bparams), value in jmh.items():
        if bench != name:
            continue
        bp = dict(bparams)
        if "placement" in bp and placement != "none" and bp["placement"] != placement:
            continue
        if all(bp.get(k) == v for k, v in params.items()):
            return value
    return None


def parse_targets(text, placement):
    """Returns [(subject, op, value)], subject 'c', 'jdk' or 'junixsocket'."""
    out = []
    if text == "-":
        return out
    for token in text.split():
        scope = None
        if ":" in token:
            scope, token = token.split(":", 1)
            if scope != placement:
                continue
        subject = "c"
        if token.startswith("vs-"):
            for impl in ("jdk", "junixsocket", "agrona"):
                if token.startswith("vs-" + impl):
                    subject, token = impl, token[len("vs-" + impl):]
        op = token[:2]
        out.append((subject, op, float(token[2:])))
    return out


def fmt_tick(t):
    return f"1/{round(1 / t)}" if t < 0.5 else f"{t:g}"


def time_ratio(a, b):
    """Time of a relative to b, with the range from the two spreads."""
    return a.median / b.median, a.lo / b.hi, a.hi / b.lo


def fmt_value(row, stat):
    if is_rate(row):
        rate = row["items"] * 1e9 / stat.median
        lo, hi = row["items"] * 1e9 / stat.hi, row["items"] * 1e9 / stat.lo
        unit = "fds/s" if row["kind"] == "fds" else "msg/s"
        return f"{fmt_rate(rate)} {unit} [{fmt_rate(lo)}–{fmt_rate(hi)}]"
    return f"{fmt_ns(stat.median)} ns [{fmt_ns(stat.lo)}–{fmt_ns(stat.hi)}]"


def is_rate(row):
    """Rows reported as a rate (one-way throughput), where higher is better."""
    return row["kind"] in ("tput", "fds")


def fmt_ns(v):
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def fmt_rate(v):
    if v >= 1e6:
        return f"{v / 1e6:.2f} M"
    if v >= 1e3:
        return f"{v / 1e3:.0f} k"
    return f"{v:.0f}"


def display_ratio(row, impl_stat, c_stat):
    """The ratio as the issue states it: time ratio for rtt/call, rate ratio for tput."""
    r = impl_stat.median / c_stat.median
    return 1 / r if is_rate(row) else r


def check(op, value, bound):
    return value <= bound if op == "<=" else value >= bound


def in_library(row, available):
    """Whether the row's panama-ipc benchmark exists in this build."""
    if row["ours"] == "-":
        return False
    return available is None or parse_spec(row["ours"])[0] in available


def build_lines(rows, c, jmh, available):
    lines = []
    for row in rows:
        row["in_library"] = in_library(row, available)
        for placement in row["placements"]:
            line = {"row": row, "placement": placement, "impl": {}}
            if row["c"] != "-":
                prog, mode = row["c"].split()
                line["c"] = c.get((f"{prog}.{mode}", placement))
            else:
                line["c"] = None
            for impl in IMPLS:
                found = find_jmh(jmh, row[impl], placement)
                if found:
                    line["impl"][impl] = found
            lines.append(line)
    return lines


def judged(line, met):
    """A ratio target's verdict: None (not judged) on a line marked unreliable."""
    return None if line.get("unreliable") else met


def verdicts(line):
    """[(text, met)] for every target of the line that can be judged in this run; met is None
    for a ratio target of a line marked unreliable (B/op targets are judged on every line)."""
    row, out = line["row"], []
    ours = line["impl"].get("ours")
    for subject, op, bound in parse_targets(row["target"], line["placement"]):
        if ours is None:
            continue
        if subject == "c":
            if line["c"] is None:
                continue
            value = display_ratio(row, ours[0], line["c"])
            out.append((f"{value:.2f}× C {op} {bound:.2f}", judged(line, check(op, value, bound))))
        else:
            other = line["impl"].get(subject)
            if other is None:
                continue
            value = display_ratio(row, ours[0], other[0])
            out.append((f"{value:.2f}× {IMPL_NAMES[subject]} {op} {bound:.2f}",
                        judged(line, check(op, value, bound))))
    if ours is not None and ours[1] is not None and ours[1] >= ZERO_ALLOC:
        out.append((f"{ours[1]:.1f} B/op > 0", False))
    return out


def virtual_thread_lines(lines):
    """[(vt line, platform line)]: every line of a virtual-thread row (id ending in TWIN_SUFFIX)
    with the line of its platform-thread twin (the id without it), same placement."""
    by_key = {(line["row"]["id"], line["placement"]): line for line in lines}
    pairs = []
    for line in lines:
        rid = line["row"]["id"]
        if rid.endswith(TWIN_SUFFIX):
            twin = by_key.get((rid[:-len(TWIN_SUFFIX)], line["placement"]))
            if twin is not None:
                pairs.append((line, twin))
    return pairs


def render_virtual_threads(pairs):
    """The section that sets each virtual-thread row beside its platform-thread twin."""
    md = ["## Virtual threads against platform threads", "",
          "Each virtual-thread row beside the same work on platform threads, from this run: both ends of "
          "the round trip on virtual threads, or both on platform threads. VT − platform is what the "
          "virtual threads add per round trip; the JDK column is the row's JDK baseline on virtual threads "
          "(`SocketChannel` over a Unix address), ours / JDK the ratio its target is judged on.", "",
          "| Mechanism | Placement | virtual threads | platform threads | VT / platform | VT − platform "
          "| JDK, virtual threads | ours / JDK |",
          "|---|---|---:|---:|---:|---:|---:|---:|"]
    for vt, platform in pairs:
        row = vt["row"]
        ours, plat, jdk = vt["impl"].get("ours"), platform["impl"].get("ours"), vt["impl"].get("jdk")
        cells = [row["title"], vt["placement"],
                 fmt_value(row, ours[0]) if ours else "(no result in this run)",
                 fmt_value(row, plat[0]) if plat else "(no result in this run)"]
        if ours and plat:
            cells.append(f"{ours[0].median / plat[0].median:.2f}")
            cells.append(f"{ours[0].median - plat[0].median:+,.0f} ns")
        else:
            cells += ["—", "—"]
        cells.append(fmt_value(row, jdk[0]) if jdk else "—")
        cells.append(f"{ours[0].median / jdk[0].median:.2f}" if ours and jdk else "—")
        md.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    md.append("")
    return md


def judge_health(c):
    """Judges the machine from C figures (a run's own, or a health check's).

    Returns (healthy, or None when nothing could be judged; [facts]; {keys of HEALTH_REFERENCE
    off}; whether C's round trips spread more than HEALTH_SPREAD).
    """
    facts, off = [], set()
    for key, (label, ref) in HEALTH_REFERENCE.items():
        if key in c:
            stat = c[key]
            ratio = stat.median / ref
            facts.append(f"{label} {fmt_ns(stat.median)} ns ({ratio:.2f}× the quiet-machine {fmt_ns(ref)} ns; "
                         f"iterations {fmt_ns(stat.lo)}–{fmt_ns(stat.hi)}, {spread_of(stat):.2f}×)")
            if not 1 / HEALTH_FACTOR <= ratio <= HEALTH_FACTOR:
                off.add(key)
    spreads = [spread_of(stat) for (cid, _), stat in c.items() if cid.endswith(".rtt") and stat.lo > 0]
    noisy = False
    if spreads:
        spread = statistics.median(spreads)
        facts.append(f"C round trips vary {spread:.2f}× between iterations (median of {len(spreads)} rows)"
                     if len(spreads) > 1 else f"C round trips vary {spread:.2f}× between iterations")
        noisy = spread > HEALTH_SPREAD
    if not facts:
        return None, facts, off, noisy
    return not off and not noisy, facts, off, noisy


def spread_of(stat):
    """Slowest iteration mean over the fastest."""
    return stat.hi / stat.lo if stat.lo > 0 else float("inf")


def machine_health(c):
    """Judges the machine from this run's own C figures: (healthy or None, sentence)."""
    healthy, facts, off, noisy = judge_health(c)
    if healthy is None:
        return None, "not judged: this run has no C figure to hold against the reference"
    if not healthy:
        bad = [HEALTH_REFERENCE[k][0] for k in HEALTH_REFERENCE if k in off] + (["C's spread"] if noisy else [])
        scope = "Ratios" if ("syscall.getpid", "none") in off else "Ratios across CPUs"
        return False, ("**DISTURBED** (" + ", ".join(bad) + " off): " + "; ".join(facts)
                       + f". {scope} from this run are not evidence.")
    return True, "good: " + "; ".join(facts) + "."


def read_health_checks(path):
    """The health checks of bench/run.sh: [(phase, attempt, header text, {C results})], in order.

    The file holds, per check, a line `check PHASE ATTEMPT TEXT...` followed by the RESULT lines
    of the C programs it ran (pipe rtt cross, syscall getpid none).
    """
    checks = []
    if not os.path.exists(path):
        return checks
    with open(path, encoding="utf-8") as f:
        for parts in (line.split() for line in f):
            result = result_line(parts)
            if parts[:1] == ["check"] and len(parts) >= 3:
                checks.append((parts[1], int(parts[2]), " ".join(parts[3:]), {}))
            elif result and checks:
                checks[-1][3][result[0]] = result[1]
    return checks


def run_health(c, checks):
    """The machine's state over the whole run: the last check before it, the check after it and
    the run's own C figures. Returns {"cross": reasons, "all": reasons, "before": [verdicts],
    "never": bool, "lines": [markdown bullets]} where "cross" reasons (the cross-CPU pipe round
    trip off, or C's round trips spreading) make every cross-CPU row unreliable and "all" reasons
    (getpid off: every system call slow) every row."""
    state = {"cross": [], "all": [], "before": [], "never": False, "lines": []}
    before = [ch for ch in checks if ch[0] == "before"]
    after = [ch for ch in checks if ch[0] == "after"]
    judged = [("this run", c)]
    if before:
        judged.append(("check before", before[-1][3]))
    if after:
        judged.append(("check after", after[-1][3]))
    for phase, group in (("before", before), ("after", after)):
        if not group:
            continue
        verdicts_ = []
        for _, attempt, text, results in group:
            healthy, facts, _, _ = judge_health(results)
            word = "not judged" if healthy is None else ("good" if healthy else "**DISTURBED**")
            verdicts_.append(word)
            state["lines"].append(f"Health check {phase} the run, attempt {attempt} ({text}): {word}: "
                                  + ("; ".join(facts) or "no C figure") + ".")
        if phase == "before":
            state["before"] = verdicts_
            state["never"] = verdicts_[-1] == "**DISTURBED**"
    reasons = {}
    for source, results in judged:
        healthy, _, off, noisy = judge_health(results)
        if ("syscall.getpid", "none") in off:
            reasons.setdefault(("all", "getpid off"), []).append(source)
        if ("pipe.rtt", "cross") in off:
            reasons.setdefault(("cross", "C pipe round trip across CPUs off"), []).append(source)
        if noisy:  # cross-CPU round trips spread first; a one-CPU row is judged by its own spread
            reasons.setdefault(("cross", "C round trips spread"), []).append(source)
    for (scope, what), sources in reasons.items():
        state[scope].append(f"{what} ({', '.join(sources)})")
    return state


def unreliable(line, state):
    """Why a line's ratio is not evidence in this run ([] when it is, or when it has no ratio)."""
    why = []
    if "ours" not in line["impl"]:
        return why
    cstat = line["c"]
    if cstat is not None and spread_of(cstat) > ROW_SPREAD:
        why.append(f"C's iterations spread {spread_of(cstat):.2f}× > {ROW_SPREAD:.2f}")
    why += state["all"]
    if line["placement"] == "cross":
        why += state["cross"]
    return why


def judge_health_file(path):
    """`render.py --health FILE`: judges the C results in FILE (RESULT lines), prints one line,
    exits 0 when the machine is healthy, 1 when it is disturbed, 2 when nothing could be judged."""
    results, _ = read_c(path)
    healthy, facts, _, _ = judge_health(results)
    word = "not judged" if healthy is None else ("good" if healthy else "DISTURBED")
    print(f"{word}: " + ("; ".join(facts) or "no C figure"))
    return 2 if healthy is None else (0 if healthy else 1)


def render_markdown(rows, lines, jmh, env, c, c_notes, results_dir, notes_text, checks=()):
    md = []
    state = run_health(c, checks)
    mode = env.get("mode", "?")
    md.append("# panama-ipc benchmarks")
    md.append("")
    if mode == "smoke":
        md.append("> **SMOKE RUN** — one fork, one short iteration: it shows that every benchmark runs, "
                  "its figures mean nothing.")
        md.append("")
    healthy, health = machine_health(c)
    if state["never"]:
        n = len(state["before"])
        md.append("> **NEVER HEALTHY** — the machine was disturbed at "
                  + (f"each of the {n} health checks" if n > 1 else "the health check")
                  + " before this run (see Machine health below), and the run was made anyway.")
        md.append("")
    if healthy is False or state["cross"] or state["all"]:
        md.append("> **DISTURBED MACHINE** — C's own figures of this run or of its health checks are far from a "
                  "quiet machine's (see Machine health below): " + "; ".join(state["all"] + state["cross"]
                                                                        or ["C's spread"])
                  + ". The rows this makes unreliable are marked **UNRELIABLE** and their targets are not "
                  "judged; quote only ratios to the same run's baselines, never absolute times.")
        md.append("")
    md.append(f"Run `bench/run.sh --{mode}` on {env.get('date', '?')}, commit {env.get('commit', '?')}.")
    md.append("")
    md.append(f"- Machine health: {health}")
    md += [f"- {text}" for text in state["lines"]]
    md.append(f"- Machine: {env.get('cpu', '?')}, {env.get('cpus', '?')} CPUs, {env.get('memory', '?')}, "
              f"virtualization: {env.get('virtualization', '?')}")
    md.append(f"- Kernel: {env.get('kernel', '?')}" + (f"; guest: `{env['guest']}`" if env.get('guest') else ""))
    md.append(f"- Java: {env.get('java', '?')}; C: {env.get('gcc', '?')} `-O2`")
    md.append(f"- Load average before / after: {env.get('load before', '?')} / {env.get('load after', '?')}")
    md.append(f"- JMH: `{env.get('jmh', '?')} -prof gc`; C: {env.get('c', '?')}; "
              f"elapsed: {env.get('elapsed', '?')}")
    md.append("")
    md.append("Every figure is the median of the iteration means of this run, with the range of those "
              "means in brackets; ratios are taken between figures of this run only. Round trips: "
              "8-byte messages between two processes; one way: 64-byte messages unless the row "
              "says otherwise; *cross*: the two "
              "processes pinned to different CPUs, *same*: both on one CPU. Ratio to C: time ratio "
              "for round trips and calls (lower is better), rate ratio for one-way throughput (higher "
              "is better). B/op: bytes allocated per operation by panama-ipc (`-prof gc`, the median "
              "iteration: the last one also carries the trial's tear-down; target 0).")
    md.append("")
    for note in c_notes:
        md.append(f"- C: {note}")
    if c_notes:
        md.append("")
    for line in lines:
        line["unreliable"] = unreliable(line, state)
    judged = [(line, text, ok) for line in lines for text, ok in verdicts(line) if ok is not None]
    n_met = sum(1 for _, _, ok in judged if ok)
    n_unjudged = sum(1 for line in lines for _, ok in verdicts(line) if ok is None)
    n_unreliable = sum(1 for line in lines if line["unreliable"])
    n_pending = len({line["row"]["id"] for line in lines if not line["row"]["in_library"]})
    md.append(f"**Summary:** {n_met} of {len(judged)} targets judged in this run met, "
              f"{len(judged) - n_met} missed; {n_pending} registry rows are not yet in the library "
              f"(C and baselines only)."
              + (f" {n_unreliable} lines are UNRELIABLE (their C spread more than {ROW_SPREAD:.2f}× between "
                 f"iterations, or the machine was disturbed): {n_unjudged} targets on their ratios are not "
                 f"judged (B/op targets still are: allocation does not depend on the machine's state)."
                 if n_unreliable else ""))
    md.append("")
    md.append("![time relative to C](ratios.svg)")
    md.append("")
    md.append("| Mechanism | Placement | panama-ipc | C | ratio to C | target | JDK | junixsocket | Agrona "
              "| B/op | verdict |")
    md.append("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---|")
    missed = []
    for line in lines:
        row = line["row"]
        cstat = line["c"]
        cells = [row["title"], line["placement"]]
        ours = line["impl"].get("ours")
        if ours:
            cells.append(fmt_value(row, ours[0]))
        else:
            cells.append("(no result in this run)" if row["in_library"] else "not yet in the library")
        cells.append(fmt_value(row, cstat) if cstat else "—")
        cells.append((f"{display_ratio(row, ours[0], cstat):.2f}" + (" ⚠" if line["unreliable"] else ""))
                     if ours and cstat else "—")
        targets = [t for t in parse_targets(row["target"], line["placement"])]
        cells.append(" ".join(f"{'' if s == 'c' else 'vs ' + IMPL_NAMES[s] + ' '}{op}{v:g}"
                              for s, op, v in targets) or "—")
        for impl in ("jdk", "junixsocket", "agrona"):
            other = line["impl"].get(impl)
            if other is None:
                cells.append("—" if row[impl] == "-" else "(no result in this run)")
                continue
            text = fmt_value(row, other[0])
            if cstat:
                text += f" ({display_ratio(row, other[0], cstat):.2f}× C)"
            cells.append(text)
        cells.append(f"{ours[1]:.1f}" if ours and ours[1] is not None else "—")
        v = verdicts(line)
        flag = ["**UNRELIABLE** (" + "; ".join(line["unreliable"]) + ")"] if line["unreliable"] else []
        if v or flag:
            cells.append("; ".join(flag + [{True: "met: ", False: "**MISSED**: ", None: "not judged: "}[ok] + text
                                           for text, ok in v]))
            missed += [f"{row['title']} ({line['placement']}): {text}" for text, ok in v if ok is False]
        else:
            cells.append("—")
        md.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    md.append("")
    pairs = virtual_thread_lines(lines)
    if pairs:
        md += render_virtual_threads(pairs)
    md.append("## Targets missed in this run")
    md.append("")
    if missed:
        md += [f"- {m}" for m in missed]
    else:
        md.append("- none of the targets that could be judged (rows whose mechanism is not yet in the "
                  "library cannot be judged)")
    md.append("")
    pending = []
    for line in lines:
        if not line["row"]["in_library"] and line["row"]["title"] not in pending:
            pending.append(line["row"]["title"])
    if pending:
        md.append("## Not yet in the library (C and baselines only)")
        md.append("")
        md += [f"- {p}" for p in pending]
        md.append("")
    if notes_text:
        md.append("## Notes")
        md.append("")
        md.append(notes_text.strip())
        md.append("")
    md.append("## Every JMH result of this run")
    md.append("")
    md.append("| Benchmark | Parameters | median ns/op [range] | B/op |")
    md.append("|---|---|---:|---:|")
    for (bench, params), (stat, alloc) in sorted(jmh.items(), key=lambda kv: (kv[0][0], sorted(kv[0][1]))):
        p = ", ".join(f"{k}={v}" for k, v in sorted(params)) or "—"
        a = f"{alloc:.1f}" if alloc is not None else "—"
        md.append(f"| `{bench.removeprefix(PREFIX)}` | {p} | {fmt_ns(stat.median)} "
                  f"[{fmt_ns(stat.lo)}–{fmt_ns(stat.hi)}] | {a} |")
    md.append("")
    md.append("Raw data: `jmh.json` (JMH), `c.txt` (C programs), `env.txt`, `jmh.log`, `benchmarks.txt` "
              "(the benchmarks this build has) beside this file.")
    md.append("")
    with open(os.path.join(results_dir, "REPORT.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md))


def render_svg(lines, env, results_dir):
    groups = []
    for line in lines:
        cstat = line["c"]
        if cstat is None or not line["impl"]:
            continue
        bars = []
        for impl in IMPLS:
            if impl in line["impl"]:
                bars.append((impl,) + time_ratio(line["impl"][impl][0], cstat))
        target = None
        for subject, op, bound in parse_targets(line["row"]["target"], line["placement"]):
            if subject == "c":
                target = 1 / bound if is_rate(line["row"]) else bound
        label = line["row"]["title"] + ("" if line["placement"] == "none" else f" ({line['placement']})")
        if line.get("unreliable"):
            label += " — UNRELIABLE"
        groups.append((label, bars, target))

    bar_h, gap, right, top = 12, 10, 40, 70
    left = int(min(max((len(g[0]) for g in groups), default=20) * 6.3 + 20, 560))
    n_bars = sum(len(g[1]) for g in groups)
    height = top + n_bars * bar_h + len(groups) * gap + 70
    width = left + 680
    values = [v for g in groups for b in g[1] for v in b[1:]] + [g[2] for g in groups if g[2]] + [1.0]
    lo = min(0.5, min(values) / 1.1)
    hi = max(2.0, min(max(values) * 1.1, 256.0))
    lmin, lmax = math.log2(lo), math.log2(hi)

    def x(v):
        v = min(max(v, lo), hi)
        return left + (math.log2(v) - lmin) / (lmax - lmin) * (width - left - right)

    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
         f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
         f'<rect width="{width}" height="{height}" fill="white"/>',
         f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">'
         f'Time per operation relative to C (1 = C; left of 1: faster than C; log scale)</text>',
         f'<text x="{width / 2}" y="38" text-anchor="middle" fill="#555">'
         f'{html.escape(env.get("cpu", ""))}, {html.escape(env.get("cpus", "?"))} CPUs, '
         f'{html.escape(env.get("kernel", ""))} — {html.escape(env.get("mode", ""))} run '
         f'{html.escape(env.get("date", ""))}; whiskers: range of iteration means; red tick: target</text>']
    if env.get("mode") == "smoke":
        s.append(f'<text x="{width / 2}" y="56" text-anchor="middle" fill="#c00" font-weight="bold">'
                 f'SMOKE RUN: figures mean nothing</text>')
    axis_bottom = height - 50
    fine = (0.75, 1.25, 1.5) if lmax - lmin < 4 else ()
    ticks = [t for t in (1 / 64, 1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2, 3, 4, 8, 16, 32, 64, 128, 256) + fine
             if lo <= t <= hi]
    for tick in ticks:
        s.append(f'<line x1="{x(tick):.1f}" y1="{top - 5}" x2="{x(tick):.1f}" y2="{axis_bottom}" '
                 f'stroke="{"#333" if tick == 1 else "#ddd"}" stroke-width="{1.5 if tick == 1 else 1}"/>')
        s.append(f'<text x="{x(tick):.1f}" y="{axis_bottom + 14}" text-anchor="middle">{fmt_tick(tick)}×</text>')
    y = top
    for label, bars, target in groups:
        gh = len(bars) * bar_h
        s.append(f'<text x="{left - 8}" y="{y + gh / 2 + 4:.1f}" text-anchor="end">{html.escape(label)}</text>')
        if target:
            s.append(f'<line x1="{x(target):.1f}" y1="{y - 2}" x2="{x(target):.1f}" y2="{y + gh + 2}" '
                     f'stroke="#d00" stroke-width="2" stroke-dasharray="3,2"/>')
        for impl, r, rlo, rhi in bars:
            x0, x1 = sorted((x(1.0), x(r)))
            s.append(f'<rect x="{x0:.1f}" y="{y + 1}" width="{max(x1 - x0, 1):.1f}" height="{bar_h - 2}" '
                     f'fill="{COLORS[impl]}"><title>{IMPL_NAMES[impl]}: {r:.3f}× C</title></rect>')
            s.append(f'<line x1="{x(rlo):.1f}" y1="{y + bar_h / 2}" x2="{x(rhi):.1f}" y2="{y + bar_h / 2}" '
                     f'stroke="black"/>')
            label_x = max(x(r), x(rhi), x(1.0)) + 4
            s.append(f'<text x="{min(label_x, width - right):.1f}" y="{y + bar_h - 3}" font-size="9">'
                     f'{r:.2f}</text>')
            y += bar_h
        y += gap
    lx = left
    for impl in IMPLS:
        s.append(f'<rect x="{lx}" y="{height - 22}" width="12" height="12" fill="{COLORS[impl]}"/>')
        s.append(f'<text x="{lx + 16}" y="{height - 12}">{IMPL_NAMES[impl]}</text>')
        lx += 120
    if not groups:
        s.append(f'<text x="{width / 2}" y="{top + 20}" text-anchor="middle">no ratio to show: '
                 f'no row has both a C and a Java result in this run</text>')
    s.append("</svg>")
    with open(os.path.join(results_dir, "ratios.svg"), "w", encoding="utf-8") as f:
        f.write("\n".join(s) + "\n")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--health":
        sys.exit(judge_health_file(sys.argv[2]))
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    registry, results_dir = sys.argv[1], sys.argv[2]
    rows = read_registry(registry)
    c, c_notes = read_c(os.path.join(results_dir, "c.txt"))
    jmh = read_jmh(os.path.join(results_dir, "jmh.json"))
    env = read_env(os.path.join(results_dir, "env.txt"))
    notes_path = os.path.join(os.path.dirname(os.path.abspath(registry)), "NOTES.md")
    notes_text = open(notes_path, encoding="utf-8").read() if os.path.exists(notes_path) else ""
    available = read_available(os.path.join(results_dir, "benchmarks.txt"))
    lines = build_lines(rows, c, jmh, available)
    checks = read_health_checks(os.path.join(results_dir, HEALTH_FILE))
    render_markdown(rows, lines, jmh, env, c, c_notes, results_dir, notes_text, checks)
    render_svg(lines, env, results_dir)


if __name__ == "__main__":
    main()
