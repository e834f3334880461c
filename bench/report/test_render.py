#!/usr/bin/env python3
"""Checks render.py on a made-up run: python3 bench/report/test_render.py"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))

REGISTRY = "\n".join([
    "#id\ttitle\tkind\titems\tplacements\tc\tours\tjdk\tjunixsocket\tagrona\ttarget",
    "p.rtt\tpipe, round trip\trtt\t1\tcross,same\tpipe rtt\tx.PipeRoundTrip.roundTrip\tjdk.P.roundTrip\t-\t-\t"
    "cross:<=1.03 same:<=1.10",
    "p.tput\tpipe, one way\ttput\t1\tcross\tpipe tput\tx.PipeOneWay.oneWay\t-\t-\t-\t>=0.90",
    "p.rtt.vt\tpipe, round trip, virtual threads\trtt\t1\tcross,same\tpipe rtt\tx.PipeVirtualRoundTrip.roundTrip\t"
    "jdk.SocketVirtual.roundTrip\t-\t-\tvs-jdk<=1.10",
    "s.tput\tSCM_RIGHTS, 16 fds\tfds\t16\tcross\tscm_rights tput16\t-\t-\tj.Fd.send[fds=16]\t-\t>=0.90",
]) + "\n"


def jmh_entry(name, params, samples, alloc, alloc_iterations=None):
    norm = {"score": alloc}
    if alloc_iterations:
        norm["rawData"] = [alloc_iterations]
    return {"benchmark": "org.panamaipc.bench." + name, "params": params,
            "primaryMetric": {"score": sum(samples) / len(samples), "scoreUnit": "ns/op", "rawData": [samples]},
            "secondaryMetrics": {"·gc.alloc.rate.norm": norm}}


class RenderTest(unittest.TestCase):
    def render(self, c_lines=None, health=None):
        d = tempfile.mkdtemp()
        if health is not None:
            with open(os.path.join(d, "health.txt"), "w") as f:
                f.write(health)
        with open(os.path.join(d, "registry.tsv"), "w") as f:
            f.write(REGISTRY)
        with open(os.path.join(d, "c.txt"), "w") as f:
            f.write(c_lines or ("RESULT pipe.rtt cross ns 7000 7100 7200\n"
                                "RESULT pipe.rtt same ns 2000 2000 2000\n"
                                "RESULT pipe.tput cross ns 400 400 400\n"
                                "RESULT scm_rights.tput16 cross ns 4000 4000 4000\n"))
        with open(os.path.join(d, "env.txt"), "w") as f:
            f.write("mode: quick\ncpu: Test CPU\ncpus: 2\nkernel: Linux 6\nguest: nested_pvm=1 cpuidle=haltpoll\n")
        with open(os.path.join(d, "jmh.json"), "w") as f:
            json.dump([
                jmh_entry("x.PipeRoundTrip.roundTrip", {"placement": "cross"}, [7150, 7200, 7250], 0.05),
                jmh_entry("x.PipeRoundTrip.roundTrip", {"placement": "same"}, [2400, 2400, 2400], 57.6,
                          [0.1, 0.1, 172.6]),  # the last iteration carries the trial's tear-down
                jmh_entry("x.PipeOneWay.oneWay", {"placement": "cross"}, [420, 420, 420], 24.0),
                jmh_entry("jdk.P.roundTrip", {"placement": "cross"}, [14000, 14000, 14000], 40.0),
                jmh_entry("x.PipeVirtualRoundTrip.roundTrip", {"placement": "cross"}, [9000, 9000, 9000], 0.05),
                jmh_entry("jdk.SocketVirtual.roundTrip", {"placement": "cross"}, [8000, 8000, 8000], 0.05),
                jmh_entry("j.Fd.send", {"placement": "cross", "fds": "16"}, [8000, 8000, 8000], 100.0),
                jmh_entry("j.Fd.send", {"placement": "cross", "fds": "1"}, [3000, 3000, 3000], 100.0),
            ], f)
        subprocess.run([sys.executable, os.path.join(HERE, "render.py"), os.path.join(d, "registry.tsv"), d],
                       check=True)
        with open(os.path.join(d, "REPORT.md")) as f:
            report = f.read()
        with open(os.path.join(d, "ratios.svg")) as f:
            svg = f.read()
        return report, svg

    def test_table_ratios_and_verdicts(self):
        report, _ = self.render()
        rows = {tuple(c.strip() for c in line.split("|")[1:3]): line for line in report.splitlines()
                if line.startswith("| pipe") or line.startswith("| SCM")}
        cross = rows[("pipe, round trip", "cross")]
        self.assertIn("7,200 ns [7,150–7,250]", cross)          # median [min-max]
        self.assertIn("| 1.01 |", cross)                          # 7200 / 7100
        self.assertIn("met: 1.01× C <= 1.03", cross)
        self.assertIn("(1.97× C)", cross)                         # JDK column
        same = rows[("pipe, round trip", "same")]
        self.assertIn("**MISSED**: 1.20× C <= 1.10", same)
        tput = rows[("pipe, one way", "cross")]
        self.assertIn("2.38 M msg/s", tput)                       # 1e9 / 420
        self.assertIn("| 0.95 |", tput)                           # rate ratio 400 / 420
        self.assertIn("**MISSED**: 24.0 B/op > 0", tput)
        scm = rows[("SCM_RIGHTS, 16 fds", "cross")]
        self.assertIn("not yet in the library", scm)
        self.assertIn("2.00 M fds/s", scm)                        # junixsocket: 16e9 / 8000
        self.assertIn("4.00 M fds/s", scm)                        # C: 16e9 / 4000
        self.assertIn("## Not yet in the library", report)
        self.assertIn("- SCM_RIGHTS, 16 fds", report)

    def test_the_guest_kernel_s_options_stand_beside_the_kernel(self):
        report, _ = self.render()
        self.assertIn("- Kernel: Linux 6; guest: `nested_pvm=1 cpuidle=haltpoll`", report)

    def test_b_per_op_is_the_median_iteration_not_the_tear_down(self):
        report, _ = self.render()
        same = [line for line in report.splitlines() if line.startswith("| pipe, round trip | same")][0]
        self.assertIn("| 0.1 |", same)
        self.assertNotIn("57.6", same)

    def test_virtual_thread_rows_beside_their_platform_twins(self):
        report, _ = self.render()
        main, section = report.split("## Virtual threads against platform threads")
        table = [line for line in main.splitlines()
                 if line.startswith("| pipe, round trip, virtual threads | cross")][0]
        self.assertIn("**MISSED**: 1.12× JDK <= 1.10", table)          # 9000 / 8000
        section = section.split("##")[0]
        cross = [line for line in section.splitlines() if "| cross |" in line][0]
        self.assertIn("9,000 ns [9,000–9,000]", cross)
        self.assertIn("7,200 ns [7,150–7,250]", cross)                 # the platform twin, same placement
        self.assertIn("| 1.25 |", cross)                                # 9000 / 7200
        self.assertIn("| +1,800 ns |", cross)
        self.assertIn("| 1.12 |", cross)                                # ours / JDK
        same = [line for line in section.splitlines() if "| same |" in line][0]
        self.assertIn("(no result in this run)", same)
        self.assertIn("2,400 ns", same)

    def test_machine_health_from_the_run_s_own_c_figures(self):
        report, _ = self.render()
        self.assertIn("- Machine health: good: C pipe round trip across CPUs 7,100 ns (0.92×", report)
        self.assertNotIn("DISTURBED", report)
        slow, _ = self.render("RESULT pipe.rtt cross ns 70000 80000 105000\n"
                              "RESULT pipe.rtt same ns 8000 8300 8400\n")
        self.assertIn("> **DISTURBED MACHINE**", slow)
        self.assertIn("Machine health: **DISTURBED** (C pipe round trip across CPUs, C's spread off)", slow)
        none, _ = self.render("RESULT pipe.tput cross ns 400 400 400\n")
        self.assertIn("Machine health: not judged", none)

    C_SAME_SPREADS = ("RESULT pipe.rtt cross ns 7000 7100 7200\n"
                      "RESULT pipe.rtt same ns 2000 2100 2400\n"      # 1.20x between iterations
                      "RESULT pipe.tput cross ns 400 400 400\n")

    @staticmethod
    def line(report, title, placement):
        return [line for line in report.splitlines() if line.startswith(f"| {title} | {placement} |")][0]

    def test_a_row_whose_c_iterations_spread_is_unreliable_and_its_ratio_not_judged(self):
        report, svg = self.render(self.C_SAME_SPREADS)
        same = self.line(report, "pipe, round trip", "same")
        self.assertIn("| 1.14 ⚠ |", same)                                       # 2400 / 2100
        self.assertIn("**UNRELIABLE** (C's iterations spread 1.20× > 1.10)", same)
        self.assertIn("not judged: 1.14× C <= 1.10", same)
        self.assertNotIn("MISSED", same)
        cross = self.line(report, "pipe, round trip", "cross")
        self.assertNotIn("UNRELIABLE", cross)                                    # 1.03x: within 1.10
        self.assertIn("met: 1.01× C <= 1.03", cross)
        tput = self.line(report, "pipe, one way", "cross")
        self.assertIn("**MISSED**: 24.0 B/op > 0", tput)                         # allocation is still judged
        self.assertIn("1 lines are UNRELIABLE", report)
        self.assertIn("1 targets on their ratios are not judged", report)
        self.assertNotIn("pipe, round trip (same)", report.split("## Targets missed in this run")[1])
        self.assertIn("pipe, round trip (same) — UNRELIABLE", svg)

    HEALTH_DISTURBED = ("check before 1 21:40:00Z, load 7.45 3.05 2.03\n"
                        "RESULT pipe.rtt cross ns 71498 79383 93858\n"
                        "RESULT syscall.getpid none ns 85 86 87\n")
    HEALTH_GOOD = ("check before 2 21:40:30Z, load 0.50 2.00 2.00\n"
                   "RESULT pipe.rtt cross ns 7600 7700 7800\n"
                   "RESULT syscall.getpid none ns 86 86 87\n")

    def test_a_disturbed_health_check_flags_the_cross_cpu_rows_and_says_the_machine_never_was_healthy(self):
        report, _ = self.render(health=self.HEALTH_DISTURBED)
        self.assertIn("> **NEVER HEALTHY** — the machine was disturbed at the health check before this run", report)
        self.assertIn("> **DISTURBED MACHINE**", report)
        self.assertIn("- Health check before the run, attempt 1 (21:40:00Z, load 7.45 3.05 2.03): **DISTURBED**: "
                      "C pipe round trip across CPUs 79,383 ns (10.26×", report)
        cross = self.line(report, "pipe, round trip", "cross")
        self.assertIn("**UNRELIABLE** (C pipe round trip across CPUs off (check before); "
                      "C round trips spread (check before))", cross)
        self.assertIn("not judged: 1.01× C <= 1.03", cross)
        same = self.line(report, "pipe, round trip", "same")
        self.assertNotIn("UNRELIABLE", same)                                     # getpid was fine: one CPU holds up
        self.assertIn("**MISSED**: 1.20× C <= 1.10", same)

    def test_a_slow_getpid_flags_every_row(self):
        health = self.HEALTH_GOOD.replace("86 86 87", "180 200 214")
        report, _ = self.render(health=health)
        for title, placement in (("pipe, round trip", "cross"), ("pipe, round trip", "same"),
                                 ("pipe, one way", "cross")):
            self.assertIn("**UNRELIABLE** (getpid off (check before))",
                          self.line(report, title, placement))

    def test_a_check_after_the_run_counts_too(self):
        report, _ = self.render(health=self.HEALTH_GOOD + self.HEALTH_DISTURBED.replace("before 1", "after 1"))
        self.assertNotIn("NEVER HEALTHY", report)
        self.assertIn("C pipe round trip across CPUs off (check after)", self.line(report, "pipe, round trip", "cross"))

    def test_waiting_until_the_machine_is_healthy(self):
        report, _ = self.render(health=self.HEALTH_DISTURBED + self.HEALTH_GOOD)
        self.assertNotIn("NEVER HEALTHY", report)
        self.assertNotIn("DISTURBED MACHINE", report)
        self.assertIn("attempt 1 (21:40:00Z, load 7.45 3.05 2.03): **DISTURBED**", report)
        self.assertIn("attempt 2 (21:40:30Z, load 0.50 2.00 2.00): good", report)
        self.assertNotIn("UNRELIABLE", report)
        never, _ = self.render(health=self.HEALTH_DISTURBED + self.HEALTH_DISTURBED.replace("before 1", "before 2"))
        self.assertIn("disturbed at each of the 2 health checks before this run", never)

    def test_a_check_that_could_not_judge_is_no_verdict(self):
        report, _ = self.render(health="check before 1 21:40:00Z, load 0.1 0.1 0.1\n")   # no gcc: no C figure
        self.assertNotIn("NEVER HEALTHY", report)
        self.assertIn("attempt 1 (21:40:00Z, load 0.1 0.1 0.1): not judged: no C figure.", report)

    def test_health_command_exit_status(self):
        d = tempfile.mkdtemp()

        def judge(text):
            path = os.path.join(d, "check.txt")
            with open(path, "w") as f:
                f.write(text)
            return subprocess.run([sys.executable, os.path.join(HERE, "render.py"), "--health", path],
                                  capture_output=True, text=True)
        good = judge(self.HEALTH_GOOD)
        self.assertEqual(good.returncode, 0, good.stdout)
        self.assertTrue(good.stdout.startswith("good: C pipe round trip across CPUs 7,700 ns"))
        bad = judge(self.HEALTH_DISTURBED)
        self.assertEqual(bad.returncode, 1)
        self.assertTrue(bad.stdout.startswith("DISTURBED: "))
        self.assertEqual(judge("FAILED pipe.rtt cross\n").returncode, 2)

    def test_chart_has_a_bar_per_result(self):
        _, svg = self.render()
        self.assertTrue(svg.startswith("<svg"))
        self.assertEqual(svg.count("<title>"), 7)                # ours x4, JDK x2, junixsocket
        self.assertIn("panama-ipc: 1.014× C", svg)


if __name__ == "__main__":
    unittest.main()
