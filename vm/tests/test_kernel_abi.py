"""vm/kernel-install's choice of guest kernel when the pin has vanished from
the archive, and vm/kernel-abi, which tells it to everything else.  The
tests run against a lab.conf and a record of their own (LAB_CONF,
LAB_KERNEL_ABI_FILE) and never run apt-get update or install anything."""

import os
import re
import subprocess

from labrun import TOP, lab_kernel_abi, read_lab_conf

INSTALL = os.path.join(TOP, "vm", "kernel-install")
ABI = os.path.join(TOP, "vm", "kernel-abi")
# No Debian 6.12 ABI was ever numbered this way.
GONE = "6.12.0+deb12"


def abi_key(abi):
    return tuple(int(n) for n in re.findall(r"\d+", abi))


def write_conf(tmp_path, pin):
    conf = tmp_path / "lab.conf"
    conf.write_text("LAB_KERNEL_ABI=%s\nLAB_CACHE=/var/cache/cchat-lab\n" % pin)
    return conf


def run(tmp_path, pin, *args, record=None):
    env = dict(os.environ, LAB_CONF=str(write_conf(tmp_path, pin)),
               LAB_KERNEL_ABI_FILE=str(record or tmp_path / "kernel-abi"),
               LAB_NO_APT_UPDATE="1")
    return subprocess.run(list(args), env=env, capture_output=True,
                          text=True, timeout=120)


def offered_abis():
    names = subprocess.run(["apt-cache", "pkgnames", "linux-image-6.12."],
                           capture_output=True, text=True).stdout.split()
    return [m.group(1) for m in
            (re.match(r"linux-image-(6\.12\.\d+\+deb12)-amd64-unsigned$", n)
             for n in names) if m]


def test_installed_pin_is_used_without_notice(tmp_path):
    pin = read_lab_conf()["LAB_KERNEL_ABI"]
    proc = run(tmp_path, pin, INSTALL, "--resolve")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == pin
    assert proc.stderr == ""
    assert (tmp_path / "kernel-abi").read_text() == "%s %s\n" % (pin, pin)


def test_vanished_pin_takes_the_newest_offered_with_one_notice(tmp_path):
    proc = run(tmp_path, GONE, INSTALL, "--resolve")
    assert proc.returncode == 0, proc.stderr
    chosen = proc.stdout.strip()
    assert re.fullmatch(r"6\.12\.\d+\+deb12", chosen), proc.stdout
    assert chosen != GONE
    offered = offered_abis()
    assert chosen in offered
    assert abi_key(chosen) == max(abi_key(a) for a in offered)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert GONE in lines[0] and chosen in lines[0]
    assert (tmp_path / "kernel-abi").read_text() == "%s %s\n" % (GONE, chosen)
    # Everything else learns the same version from the record.
    shown = run(tmp_path, GONE, ABI)
    assert shown.stdout.strip() == chosen


def test_an_installed_earlier_choice_is_kept(tmp_path):
    # The lab must not move to a newer kernel once one was chosen and
    # installed: an older installed one beats the newest offered.
    installed = lab_kernel_abi(read_lab_conf())
    record = tmp_path / "kernel-abi"
    record.write_text("%s %s\n" % (GONE, installed))
    proc = run(tmp_path, GONE, INSTALL, "--resolve", record=record)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == installed
    assert record.read_text() == "%s %s\n" % (GONE, installed)


def test_a_choice_made_for_another_pin_is_ignored(tmp_path):
    record = tmp_path / "kernel-abi"
    record.write_text("6.12.1+deb12 6.12.2+deb12\n")
    proc = run(tmp_path, GONE, ABI, record=record)
    assert proc.stdout.strip() == GONE
    assert lab_kernel_abi({"LAB_KERNEL_ABI": "6.12.3+deb12"}) == "6.12.3+deb12"


def test_make_and_the_scripts_agree_on_the_version():
    abi = lab_kernel_abi(read_lab_conf())
    proc = subprocess.run(["make", "-s", "--no-print-directory", "-C", TOP,
                           "--eval", "lab-print-kver: ; @echo $(LAB_KVER)",
                           "lab-print-kver"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == abi + "-amd64"
    shown = subprocess.run([ABI], capture_output=True, text=True)
    assert shown.stdout.strip() == abi
