"""vm/run end to end: real QEMU, real guest kernel, real processes."""

import os
import signal
import subprocess
import time

import pytest

from labrun import (RUN, TOP, GUEST_TIMEOUT_S, lab_kernel_abi, read_lab_conf,
                    run_guest, process_alive)

EXIT_TIMEOUT = 124
EXIT_KERNEL_PROBLEM = 125
EXIT_LAB_FAILURE = 126
# A hung guest gets this --timeout; vm/run must be back soon after it.
HANG_TIMEOUT_S = 40
KILL_SLACK_S = 10
# How long QEMU may outlive a runner killed with SIGKILL.
ORPHAN_GRACE_S = 5


def test_trivial_command_runs(record_testsuite_property):
    """Timing is reported, not asserted: make bench-lab measures the boot
    against its 15 s budget."""
    result = run_guest("echo hello")
    assert result.returncode == 0, result
    assert result.stdout == "hello\n"
    record_testsuite_property("lab_boot_and_run_seconds", "%.1f" % result.seconds)
    print("boot + trivial command: %.1f s" % result.seconds)


@pytest.mark.parametrize("status", [0, 3, 255])
def test_exit_status_propagates(status):
    result = run_guest("echo before; exit %d" % status)
    assert result.returncode == status, result
    assert result.stdout == "before\n"


def test_stdout_and_stderr_stay_apart():
    result = run_guest("echo to-out; echo to-err >&2; echo more-out")
    assert result.returncode == 0, result
    assert result.stdout == "to-out\nmore-out\n"
    assert "to-err\n" in result.stderr
    assert "to-out" not in result.stderr


def test_large_output_arrives_complete():
    lines = 50000
    result = run_guest("seq 1 %d" % lines)
    assert result.returncode == 0, result
    got = result.stdout.split("\n")
    assert got[-1] == ""
    assert got[:-1] == [str(n) for n in range(1, lines + 1)]


def test_command_with_quotes_and_newlines():
    command = "x='a \"quoted\" $word'\nprintf '%s\\n' \"$x\"\necho done"
    result = run_guest(command)
    assert result.returncode == 0, result
    assert result.stdout == "a \"quoted\" $word\ndone\n"


def test_guest_runs_the_pinned_kernel():
    kver = lab_kernel_abi(read_lab_conf()) + "-amd64"
    result = run_guest("uname -r")
    assert result.stdout.strip() == kver, result


def test_mem_and_smp_options():
    result = run_guest("nproc; grep MemTotal /proc/meminfo", "--smp", "3",
                       "--mem", "384M")
    assert result.returncode == 0, result
    nproc, meminfo = result.stdout.splitlines()
    assert nproc == "3"
    mem_kib = int(meminfo.split()[1])
    assert 256 * 1024 < mem_kib <= 384 * 1024


def test_put_copies_a_host_file(tmp_path):
    data = os.urandom(100000)
    src = tmp_path / "blob"
    src.write_bytes(data)
    result = run_guest("sha256sum /root/in/blob", "--put", "%s:/root/in/blob" % src)
    assert result.returncode == 0, result
    import hashlib
    assert result.stdout.split()[0] == hashlib.sha256(data).hexdigest()


def test_qemu_arg_adds_a_device():
    # virtio-rng: vendor 0x1af4, device 0x1005 (transitional) or 0x1044.
    result = run_guest("cat /sys/bus/pci/devices/*/device",
                       "--qemu-arg", "-device", "--qemu-arg", "virtio-rng-pci")
    assert result.returncode == 0, result
    assert {"0x1005", "0x1044"} & set(result.stdout.split()), result
    plain = run_guest("cat /sys/bus/pci/devices/*/device")
    assert not {"0x1005", "0x1044"} & set(plain.stdout.split()), plain


def test_image_modules_load_with_modprobe():
    modules = ["gcm", "authenc", "xts", "cryptd", "aesni_intel",
               "ghash_clmulni_intel", "af_alg", "algif_skcipher", "algif_hash"]
    command = "for m in %s; do modprobe $m || exit 1; done; cut -d' ' -f1 /proc/modules" \
        % " ".join(modules)
    result = run_guest(command)
    assert result.returncode == 0, result
    assert set(modules) <= set(result.stdout.split()), result


def test_modprobe_option_loads_before_the_command():
    result = run_guest("grep -c '^xts ' /proc/modules", "--modprobe", "xts")
    assert result.returncode == 0, result
    assert result.stdout.strip() == "1"


def test_other_qemu_binary_is_used(tmp_path):
    marker = tmp_path / "wrapper-ran"
    wrapper = tmp_path / "qemu-wrapper"
    lab_qemu = os.path.join(TOP, "build/vm/qemu/build/qemu-system-x86_64")
    wrapper.write_text("#!/bin/sh\ntouch '%s'\nexec '%s' \"$@\"\n" % (marker, lab_qemu))
    wrapper.chmod(0o755)
    result = run_guest("true", "--qemu", str(wrapper))
    assert result.returncode == 0, result
    assert marker.exists()


def test_missing_qemu_is_a_clear_lab_failure():
    result = run_guest("true", "--qemu", "/nonexistent/qemu")
    assert result.returncode == EXIT_LAB_FAILURE
    assert "no QEMU at /nonexistent/qemu" in result.stderr


@pytest.mark.parametrize("args, message", [
    ([], "no command given"),
    (["--smp", "two", "--", "true"], "--smp wants a number"),
    (["--bogus", "--", "true"], "unknown option --bogus"),
    (["--put", "relative", "--", "true"], "--put wants SRC:/absolute/guest/path"),
])
def test_usage_errors(args, message):
    proc = subprocess.run([RUN, *args], capture_output=True, text=True)
    assert proc.returncode == 2
    assert message in proc.stderr


# ---- kernel problems -------------------------------------------------------

def test_clean_module_load_is_not_a_problem():
    result = run_guest("modprobe lab_oops && echo loaded")
    assert result.returncode == 0, result
    assert result.stdout == "loaded\n"


def test_panic_is_reported():
    result = run_guest("echo c > /proc/sysrq-trigger; sleep 60")
    assert result.returncode == EXIT_KERNEL_PROBLEM, result
    assert "Kernel panic" in result.stderr
    assert result.seconds < GUEST_TIMEOUT_S / 2, "the panic should end the run"


def test_oops_is_reported():
    result = run_guest("modprobe lab_oops action=oops; echo after")
    assert result.returncode == EXIT_KERNEL_PROBLEM, result
    assert "Oops" in result.stderr
    assert "BUG: kernel NULL pointer dereference" in result.stderr
    assert "lab_oops_init" in result.stderr, "the report should show the trace"


def test_warning_is_reported():
    result = run_guest("modprobe lab_oops action=warn; echo after")
    assert result.returncode == EXIT_KERNEL_PROBLEM, result
    assert "WARNING:" in result.stderr
    assert result.stdout == "after\n", "a warning does not stop the command"


# ---- no QEMU left behind ---------------------------------------------------

def start_hung_guest(tmp_path, timeout):
    pidfile = tmp_path / "qemu.pid"
    proc = subprocess.Popen(
        [RUN, "--timeout", str(timeout), "--pidfile", str(pidfile), "--",
         "echo up; sleep 100000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, pidfile


def wait_for_guest_up(proc, pidfile):
    """Wait for the guest's 'up' line; return QEMU's pid."""
    line = proc.stdout.readline()
    assert line == "up\n", "guest did not start: %r" % line
    return int(pidfile.read_text().strip())


def wait_gone(pid, seconds):
    deadline = time.monotonic() + seconds
    while process_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not process_alive(pid)


def test_hung_guest_is_killed_by_the_timeout(tmp_path):
    proc, pidfile = start_hung_guest(tmp_path, HANG_TIMEOUT_S)
    started = time.monotonic()
    qemu_pid = wait_for_guest_up(proc, pidfile)
    proc.wait(timeout=HANG_TIMEOUT_S + KILL_SLACK_S)
    elapsed = time.monotonic() - started
    assert proc.returncode == EXIT_TIMEOUT
    assert "timeout after %d s" % HANG_TIMEOUT_S in proc.stderr.read()
    assert elapsed < HANG_TIMEOUT_S + KILL_SLACK_S
    assert not process_alive(qemu_pid)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_runner_stops_qemu(tmp_path, sig):
    proc, pidfile = start_hung_guest(tmp_path, GUEST_TIMEOUT_S)
    qemu_pid = wait_for_guest_up(proc, pidfile)
    proc.send_signal(sig)
    proc.wait(timeout=KILL_SLACK_S)
    assert proc.returncode == 128 + sig
    assert not process_alive(qemu_pid)


def test_runner_killed_hard_takes_qemu_along(tmp_path):
    proc, pidfile = start_hung_guest(tmp_path, GUEST_TIMEOUT_S)
    qemu_pid = wait_for_guest_up(proc, pidfile)
    proc.kill()
    proc.wait(timeout=KILL_SLACK_S)
    assert wait_gone(qemu_pid, ORPHAN_GRACE_S), "QEMU outlived a SIGKILLed vm/run"
