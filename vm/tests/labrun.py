"""Helpers for tests that run commands in the lab guest through vm/run.

Other suites may use them too: sys.path.insert(0, "<top>/vm/tests");
from labrun import run_guest."""

import os
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
RUN = os.path.join(TOP, "vm", "run")

# The timeout vm/run gets in tests that do not test the timeout itself: a
# boot takes about 10 s under TCG, more while other builds load the host.
GUEST_TIMEOUT_S = 120
# How long the test itself waits for vm/run before failing.
HOST_GRACE_S = 60


def read_lab_conf():
    conf = {}
    with open(os.path.join(TOP, "vm", "lab.conf")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                conf[key] = value
    return conf


def lab_kernel_abi(conf):
    """The Debian ABI the lab uses: vm/kernel-install's choice for this pin
    (build/vm/kernel-abi, "PIN USED"), else the pin itself."""
    pin = conf["LAB_KERNEL_ABI"]
    try:
        with open(os.path.join(TOP, "build", "vm", "kernel-abi")) as f:
            words = f.read().split()
    except OSError:
        return pin
    return words[1] if len(words) == 2 and words[0] == pin else pin


class GuestRun:
    def __init__(self, proc, seconds):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.seconds = seconds

    def __repr__(self):
        return "GuestRun(rc=%s, %.1fs)\n--- stdout\n%s\n--- stderr\n%s" % (
            self.returncode, self.seconds, self.stdout, self.stderr)


def run_guest(command, *options, timeout=GUEST_TIMEOUT_S):
    """Run `command` in a fresh guest through vm/run."""
    argv = [RUN, "--timeout", str(timeout), *options, "--", command]
    started = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, text=True,
                          errors="replace", timeout=timeout + HOST_GRACE_S)
    return GuestRun(proc, time.monotonic() - started)


def process_alive(pid):
    """True if pid exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
