#!/usr/bin/python3
"""Hot-unplug the virtio-cryptodev device from QEMU's side (QMP
device_del) while a guest process holds /dev/crypto open, then plug a new
one in (device_add) and check it works.  The guest half is
driver/tests/guest-hotunplug.sh.

    hotunplug.py --run vm/run --tap OUT [--console FILE] [--qemu QEMU]
                 [--timeout SECS] [--run-arg=ARG]...

Writes TAP (the guest's lines and this side's) to OUT; exits with the
guest run's status, or 1 when a QMP step failed.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

DEVICE = "virtio-cryptodev-pci"
QMP_CONNECT_TRIES = 50
QMP_CONNECT_PAUSE_S = 0.1
QMP_REPLY_TIMEOUT_S = 30


class Qmp:
    """A minimal QMP client: one command at a time, events skipped."""

    def __init__(self, path):
        self.sock = None
        for _ in range(QMP_CONNECT_TRIES):
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                self.sock = None
                time.sleep(QMP_CONNECT_PAUSE_S)
        if not self.sock:
            raise OSError("cannot connect to QMP at %s" % path)
        self.sock.settimeout(QMP_REPLY_TIMEOUT_S)
        self.file = self.sock.makefile("r")
        self._read()                      # the greeting
        self.command("qmp_capabilities")

    def _read(self):
        line = self.file.readline()
        if not line:
            raise OSError("QMP connection closed")
        return json.loads(line)

    def command(self, name, **arguments):
        msg = {"execute": name}
        if arguments:
            msg["arguments"] = arguments
        self.sock.sendall((json.dumps(msg) + "\n").encode())
        while True:
            reply = self._read()
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise OSError("%s: %s" % (name, reply["error"].get("desc")))

    def close(self):
        self.sock.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--tap", required=True)
    ap.add_argument("--console")
    ap.add_argument("--qemu")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--run-arg", action="append", default=[],
                    help="one more vm/run argument (repeatable)")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="vcd-hotunplug-")
    qmp_path = os.path.join(tmp, "qmp.sock")
    cmd = [args.run, "--timeout", str(args.timeout),
           "--qemu-arg", "-device", "--qemu-arg", DEVICE + ",id=vcd0",
           "--qemu-arg", "-qmp",
           "--qemu-arg", "unix:%s,server=on,wait=off" % qmp_path]
    if args.qemu:
        cmd += ["--qemu", args.qemu]
    if args.console:
        cmd += ["--console-log", args.console]
    cmd += args.run_arg
    cmd += ["--", "sh /opt/tests/guest-hotunplug.sh"]

    failed = False
    qmp = None
    with open(args.tap, "w") as tap:
        def emit(line):
            tap.write(line + "\n")
            tap.flush()
            print(line, flush=True)

        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        for line in proc.stdout:
            line = line.rstrip("\n")
            emit(line)
            try:
                if line == "ready-for-unplug":
                    qmp = qmp or Qmp(qmp_path)
                    qmp.command("device_del", id="vcd0")
                    emit("ok - QMP device_del of the device with a file open")
                elif line == "ready-for-plug":
                    qmp = qmp or Qmp(qmp_path)
                    qmp.command("device_add", driver=DEVICE, id="vcd1")
                    emit("ok - QMP device_add of a new device")
            except (OSError, ValueError) as e:
                emit("not ok - QMP step after '%s': %s" % (line, e))
                failed = True
        status = proc.wait()
        if qmp:
            qmp.close()
        emit("%s - hot-unplug guest run exits 0 (got %d)"
             % ("ok" if status == 0 else "not ok", status))
    try:
        os.rmdir(tmp)
    except OSError:
        pass
    return status or (1 if failed else 0)


if __name__ == "__main__":
    sys.exit(main())
