#!/usr/bin/python3
"""make bench-secure-chat: what the encryption costs the chat.

1. On the host: cchat-load against one cchatd, over its plain port and
   its encrypted port (software provider), in three shapes: one sender
   and one receiver with one message in flight (latency), the same with
   64 in flight (throughput), and 20 clients of which 5 send (fan-out).
   The ratio encrypted/plain is printed for each.
2. In the lab guest with the virtio-cryptodev device: 100-byte messages
   through /dev/crypto against the software provider in the same guest,
   first the crypto alone (secure-bench: seal + open per message), then
   the chat (cchat-load in the guest against the host's cchatd).

Numbers go to stdout and to build/bench/secure-chat.txt.  Nothing here
passes or fails on speed; a run that breaks exits non-zero.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("CCHAT_BIN", TOP / "build" / "bin"))
LAB_RUN = os.environ.get("LAB_RUN", str(TOP / "vm" / "run"))
OUT = TOP / "build" / "bench" / "secure-chat.txt"
GUEST_TIMEOUT_S = 900

HOST_SHAPES = [
    ("latency: 1 sender -> 1 receiver, 1 in flight",
     ["--clients", "2", "--messages", "20000", "--window", "1"]),
    ("throughput: 1 sender -> 1 receiver, 64 in flight",
     ["--clients", "2", "--messages", "200000", "--window", "64"]),
    ("fan-out: 20 clients, 5 senders, 16 in flight each",
     ["--clients", "20", "--senders", "5", "--messages", "10000",
      "--window", "16"]),
]
GUEST_SHAPES = [
    ("latency, 1 in flight", ["--messages", "1000", "--window", "1"]),
    ("throughput, 16 in flight", ["--messages", "4000", "--window", "16"]),
]

lines_out = []


def say(text=""):
    print(text, flush=True)
    lines_out.append(text)


def result(text):
    """The key=value pairs of the last "result:" line in text."""
    found = re.findall(r"^result: (.*)$", text, re.M)
    if not found:
        raise SystemExit("no result line in:\n" + text)
    return dict(kv.split("=", 1) for kv in found[-1].split())


class Server:
    def __init__(self, work, key):
        self.log = work / "cchatd.log"
        with open(self.log, "wb") as err:
            self.proc = subprocess.Popen(
                [str(BIN / "cchatd"), "--listen", "127.0.0.1", "--port", "0",
                 "--secure-port", "0", "--key", str(key), "--no-console",
                 "--no-flood-control", "--max-per-address", "0",
                 "--sendq", str(64 << 20)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=err)
        deadline = time.monotonic() + 30
        while "ready" not in self.log.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("cchatd did not start:\n" +
                                 self.log.read_text())
            time.sleep(0.05)
        text = self.log.read_text()
        self.plain = int(re.search(r"port (\d+)$", text, re.M).group(1))
        self.secure = int(re.search(r"port (\d+) \(encrypted\)",
                                    text).group(1))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)


def load(port, args, secure_key=None):
    argv = [str(BIN / "cchat-load"), "--port", str(port), *args]
    if secure_key:
        argv += ["--secure", "--key", str(secure_key), "--software"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    if out.returncode:
        raise SystemExit(f"{' '.join(argv)} failed:\n{out.stderr}")
    return result(out.stdout)


def host_part(server, key):
    say("== On the host: plain port against encrypted port (software "
        "provider), 100-byte messages")
    say(f"{'shape':52} {'plain':>22} {'encrypted':>22} {'enc/plain':>10}")
    for title, args in HOST_SHAPES:
        plain = load(server.plain, args)
        secure = load(server.secure, args, key)
        for metric, unit in (("msgs_per_s", "msg/s"), ("p50_us", "us p50"),
                             ("p99_us", "us p99")):
            p, s = float(plain[metric]), float(secure[metric])
            say(f"{title if metric == 'msgs_per_s' else '':52} "
                f"{p:>15.0f} {unit:6} {s:>15.0f} {unit:6} {s / p:>10.2f}")


GUEST_SCRIPT = r"""
set -e
chmod 600 /root/k
echo "### bench devcrypto"
secure-bench --crypto-dev /dev/crypto --size 100 --seconds 3
echo "### bench software"
secure-bench --software --size 100 --seconds 3
"""


def guest_script(port):
    script = GUEST_SCRIPT
    for i, (_, args) in enumerate(GUEST_SHAPES):
        for provider in ("--crypto-dev /dev/crypto", "--software"):
            script += (f'echo "### load {i} {provider.split()[0]}"\n'
                       f"cchat-load --host 10.0.2.2 --port {port} --secure "
                       f"--key /root/k {provider} {' '.join(args)}\n")
        script += (f'echo "### load {i} plain"\n'
                   f"cchat-load --host 10.0.2.2 --port PLAIN "
                   f"{' '.join(args)}\n")
    return script


def sections(text):
    parts = re.split(r"^### (.*)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def guest_part(server, key):
    say()
    say("== In the guest (TCG, virtio-cryptodev-pci): 100-byte messages, "
        "/dev/crypto against software in the same guest")
    script = guest_script(server.secure).replace("PLAIN", str(server.plain))
    out = subprocess.run(
        [LAB_RUN, "--timeout", str(GUEST_TIMEOUT_S), "--net",
         "--qemu-arg", "-device", "--qemu-arg", "virtio-cryptodev-pci",
         "--modprobe", "virtio_cryptodev", "--put", f"{key}:/root/k",
         "--", script],
        capture_output=True, text=True, timeout=GUEST_TIMEOUT_S + 120)
    if out.returncode:
        raise SystemExit(f"the guest run failed ({out.returncode}):\n"
                         f"{out.stdout}\n{out.stderr}")
    parts = sections(out.stdout)
    say("-- the crypto alone (secure-bench: seal + open of one message, "
        "both ends in the guest)")
    rates = {}
    for name in ("devcrypto", "software"):
        text = parts[f"bench {name}"]
        provider = re.search(r"^provider: (.*)$", text, re.M).group(1)
        match = re.search(r"records of +100 bytes: +(\d+) /s .* ([\d.]+) us "
                          r"each", text)
        rates[name] = float(match.group(1))
        say(f"   {provider:64} {match.group(1):>8} msg/s "
            f"{float(match.group(2)):8.1f} us/msg")
    say(f"   software is {rates['software'] / rates['devcrypto']:.1f}x "
        "faster than the device here")
    say("-- the chat (cchat-load in the guest -> host cchatd over user "
        "networking -> back)")
    say(f"   {'shape':28} {'provider':12} {'msg/s':>10} {'p50 us':>10} "
        f"{'p99 us':>10}")
    for i, (title, _) in enumerate(GUEST_SHAPES):
        for name in ("--crypto-dev", "--software", "plain"):
            r = result(parts[f"load {i} {name}"])
            label = {"--crypto-dev": "/dev/crypto", "--software": "software",
                     "plain": "plain (none)"}[name]
            say(f"   {title if name == '--crypto-dev' else '':28} "
                f"{label:12} {float(r['msgs_per_s']):>10.0f} "
                f"{float(r['p50_us']):>10.0f} {float(r['p99_us']):>10.0f}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        key = work / "key"
        subprocess.run([str(BIN / "cchat"), "keygen", str(key)], check=True,
                       capture_output=True)
        server = Server(work, key)
        try:
            host_part(server, key)
            if "--host-only" not in sys.argv:
                guest_part(server, key)
        finally:
            server.stop()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines_out) + "\n")
    print(f"(also in {OUT.relative_to(TOP)})")


if __name__ == "__main__":
    main()
