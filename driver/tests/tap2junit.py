#!/usr/bin/python3
"""Turn the guest driver tests' TAP output into a JUnit XML report.

    tap2junit.py --tap FILE --out FILE [--suite NAME] [--status N]
                 [--console FILE]

--tap, --status and --console may be repeated, one of each per guest run.
Every "ok"/"not ok" line is a test case.  Cases are added for each run's
exit status (vm/run's: 0 all passed, 125 kernel problem, 124 timeout,
...) and for a scan of each guest console for kernel problems.
Exits 1 when any case failed, so a make recipe can use it as its verdict.
"""

import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET

TAP_LINE = re.compile(r"^(ok|not ok)\s+(\d+)\s*(?:-\s*)?(.*)$")
KERNEL_PROBLEM = re.compile(
    r"Kernel panic|\bOops\b|\bBUG:|kernel BUG at|\bWARNING:|"
    r"general protection fault|KASAN|INFO: task .* blocked for more than")
MAX_DETAIL_LINES = 60


def parse_tap(text):
    """[(name, passed, skipped, detail lines)] from TAP text."""
    cases = []
    for line in text.splitlines():
        m = TAP_LINE.match(line.strip())
        if m:
            name = m.group(3) or "case %s" % m.group(2)
            skipped = "# SKIP" in name
            cases.append([name, m.group(1) == "ok", skipped, []])
        elif line.startswith("#") and cases:
            cases[-1][3].append(line)
    return cases


def console_problems(path):
    if not path:
        return []
    try:
        with open(path, errors="replace") as f:
            return [l.rstrip() for l in f if KERNEL_PROBLEM.search(l)]
    except OSError as e:
        return ["cannot read console log: %s" % e]


def build_xml(suite, cases):
    failures = sum(1 for c in cases if not c[1])
    skipped = sum(1 for c in cases if c[2])
    root = ET.Element("testsuites")
    ts = ET.SubElement(root, "testsuite", name=suite, tests=str(len(cases)),
                       failures=str(failures), errors="0",
                       skipped=str(skipped))
    for name, passed, skip, detail in cases:
        tc = ET.SubElement(ts, "testcase", classname=suite, name=name)
        if skip:
            ET.SubElement(tc, "skipped", message=name)
        elif not passed:
            fail = ET.SubElement(tc, "failure", message=name)
            fail.text = "\n".join(detail[:MAX_DETAIL_LINES])
    return ET.ElementTree(root)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tap", action="append", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--suite", default="driver")
    ap.add_argument("--status", type=int, action="append", default=[])
    ap.add_argument("--console", action="append", default=[])
    args = ap.parse_args()

    cases = []
    for i, tap in enumerate(args.tap):
        run = os.path.basename(tap)
        try:
            with open(tap, errors="replace") as f:
                found = parse_tap(f.read())
        except OSError as e:
            found = [["%s: read the TAP output" % run, False, False, [str(e)]]]
        if not found:
            found = [["%s: the guest printed results" % run, False, False, []]]
        cases += found
        status = args.status[i] if i < len(args.status) else 0
        cases.append(["%s: guest run exits 0 (got %d)" % (run, status),
                      status == 0, False, []])
        console = args.console[i] if i < len(args.console) else None
        problems = console_problems(console)
        cases.append(["%s: guest console free of kernel problems" % run,
                      not problems, False, problems])

    build_xml(args.suite, cases).write(args.out, encoding="utf-8",
                                       xml_declaration=True)
    failed = [c[0] for c in cases if not c[1]]
    print("%s: %d cases, %d failed" % (args.suite, len(cases), len(failed)))
    for name in failed:
        print("  FAILED: %s" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
