"""The encrypted chat across the VM boundary (make check-secure-vm).

The host runs cchatd with an encrypted port and the software provider
(the host has no /dev/crypto) and a host cchat client.  The lab guest
boots with the virtio-cryptodev device and its driver, and runs the same
cchat program (linked statically) with --crypto-dev /dev/crypto, reaching
the host through QEMU's user networking (10.0.2.2 is the host's
127.0.0.1).  The two clients exchange lines with markers; both must see
them, the guest's cchat must name the virtio device as its provider, and
QEMU's capture of the guest's network card must show neither marker and
random-looking payloads.
"""
import os
import subprocess
import sys
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "e2e"))

import pcap  # noqa: E402
from secure_helpers import (STAMP, cchat, make_key,  # noqa: E402,F401
                            secure_args, start_secure_server)

TOP = HERE.parents[2]
LAB_RUN = os.environ.get("LAB_RUN", str(TOP / "vm" / "run"))
GUEST_SCRIPT = "/opt/tests/secure-chat-guest.sh"
# A TCG boot takes about 10 s, longer while other builds load the host.
GUEST_TIMEOUT_S = int(os.environ.get("SECURE_VM_TIMEOUT", "300"))
MIN_ENTROPY = 7.0
FILLER_LINES = 20
DEVICE_PROVIDER = "crypto provider: devcrypto:/dev/crypto (virtio-cryptodev"


def start_guest(port, key, pcap_path, say, wait_for):
    command = (f"sh {GUEST_SCRIPT} 10.0.2.2 {port} /root/chat.key guest "
               f"'#vm' '{say}' '{wait_for}'")
    argv = [LAB_RUN, "--timeout", str(GUEST_TIMEOUT_S), "--net",
            "--pcap", str(pcap_path),
            "--qemu-arg", "-device", "--qemu-arg", "virtio-cryptodev-pci",
            "--modprobe", "virtio_cryptodev",
            "--put", f"{key}:/root/chat.key", "--", command]
    return subprocess.Popen(argv, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            errors="replace")


def test_guest_on_the_device_talks_to_the_host(tmp_path, start_secure_server,
                                               cchat):
    key = make_key(tmp_path)
    server = start_secure_server("--key", key)
    host = cchat(server.secure_port, "hostbob", secure_args(key),
                 channel="#vm")
    host.joined("#vm")
    guest_mark = "GUESTMARK-" + uuid.uuid4().hex[:10]
    host_mark = "HOSTMARK-" + uuid.uuid4().hex[:10]
    capture = tmp_path / "guest-nic.pcap"
    guest = start_guest(server.secure_port, key, capture,
                        f"{guest_mark} hello from the guest", host_mark)
    try:
        host.joined("#vm", nick="guest")
        host.expect(rf"{STAMP}<guest -> #vm> {guest_mark} hello from the "
                    r"guest$", timeout=GUEST_TIMEOUT_S)
        for i in range(FILLER_LINES):   # enough bytes to judge entropy
            host.send(f"line {i:02d} from the host " + "z" * 80)
        host.send(f"{host_mark} hello from the host")
        out, err = guest.communicate(timeout=GUEST_TIMEOUT_S)
    finally:
        if guest.poll() is None:
            guest.terminate()
            guest.communicate()
    report = f"--- guest stdout\n{out}\n--- guest stderr\n{err}"
    assert guest.returncode == 0, report
    assert DEVICE_PROVIDER in out, report
    assert f"<hostbob -> #vm> {host_mark} hello from the host" in out, report
    host.expect(r"<-- guest quit \(Quit: Leaving\)")
    assert host.quit() == 0

    # The host's side used software: one provider per process, the
    # records are the same bytes.
    assert "using the software provider" in server.stderr_text()
    assert "crypto provider: software" in host.stdout_text()

    streams = pcap.stream_bytes(capture, server.secure_port)
    assert len(streams) == 2, "one connection, both directions"
    payload = b"".join(streams)
    for text in (guest_mark, host_mark, "PRIVMSG", "#vm", "zzzzzzzz"):
        assert not pcap.contains(capture, text.encode()), text
    assert len(payload) > 4096
    assert pcap.entropy(payload) > MIN_ENTROPY
    print(f"guest NIC: {len(payload)} payload bytes, "
          f"{pcap.entropy(payload):.2f} bits/byte, no marker")
