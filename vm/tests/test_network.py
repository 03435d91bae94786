"""User-mode networking between host and guest, and the packet capture."""

import socket
import struct
import threading
import time

import pytest

from labrun import run_guest

GUEST_ADDR = "10.0.2.15"
HOST_ALIAS = "10.0.2.2"
GUEST_PORT = 7777
# How long the host side keeps trying to reach a guest that is booting.
CONNECT_PATIENCE_S = 90
ETHERTYPE_IPV4 = 0x0800
IPPROTO_TCP = 6
PCAP_MAGIC_USEC = 0xA1B2C3D4
LINKTYPE_ETHERNET = 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OneShotListener(threading.Thread):
    """Accepts one connection on the host and keeps what it receives."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(CONNECT_PATIENCE_S)
        self.port = self.sock.getsockname()[1]
        self.received = b""

    def run(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(CONNECT_PATIENCE_S)
            conn.sendall(b"hello-from-host-listener\n")
            while chunk := conn.recv(4096):
                self.received += chunk
        self.sock.close()


@pytest.fixture(scope="module")
def outbound(tmp_path_factory):
    """One guest that connects to a host listener, captured to a pcap."""
    pcap = tmp_path_factory.mktemp("net") / "guest.pcap"
    listener = OneShotListener()
    listener.start()
    result = run_guest(
        "echo guest-says-hi | nc -w 5 %s %d" % (HOST_ALIAS, listener.port),
        "--net", "--pcap", str(pcap))
    listener.join(timeout=5)
    return result, listener, pcap


def test_guest_reaches_a_host_listener(outbound):
    result, listener, _ = outbound
    assert result.returncode == 0, result
    assert listener.received == b"guest-says-hi\n"
    assert "hello-from-host-listener" in result.stdout


def test_pcap_holds_the_guests_traffic(outbound):
    _, listener, pcap = outbound
    packets = list(tcp_packets(pcap.read_bytes()))
    assert packets, "no TCP packets in the capture"
    to_host = [p for p in packets
               if p["src"] == GUEST_ADDR and p["dst"] == HOST_ALIAS
               and p["dport"] == listener.port]
    assert any(p["flags"] & 0x02 for p in to_host), "no SYN from the guest"
    assert any(b"guest-says-hi" in p["payload"] for p in to_host)
    from_host = [p for p in packets if p["src"] == HOST_ALIAS and p["dst"] == GUEST_ADDR]
    assert any(b"hello-from-host-listener" in p["payload"] for p in from_host)


def test_host_reaches_a_guest_listener():
    host_port = free_port()
    replies = []
    thread = threading.Thread(target=talk_to_guest, args=(host_port, replies),
                              daemon=True)
    thread.start()
    result = run_guest(
        "echo guest-listener-reply | nc -l -p %d" % GUEST_PORT,
        "--hostfwd", "tcp:127.0.0.1:%d-:%d" % (host_port, GUEST_PORT))
    thread.join(timeout=5)
    assert result.returncode == 0, result
    assert "host-says-hi" in result.stdout
    assert replies and b"guest-listener-reply" in replies[0]


def talk_to_guest(port, replies):
    """slirp accepts on the host at once and drops the connection while the
    guest is not listening yet, so retry until the guest answers."""
    deadline = time.monotonic() + CONNECT_PATIENCE_S
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.settimeout(5)
                got = s.recv(4096)
                if got:
                    s.sendall(b"host-says-hi\n")
                    s.shutdown(socket.SHUT_WR)
                    while chunk := s.recv(4096):
                        got += chunk
                    replies.append(got)
                    return
        except OSError:
            pass
        time.sleep(0.5)


def tcp_packets(data):
    """TCP/IPv4 packets of a classic Ethernet pcap, as dicts."""
    magic, _, _, _, _, _, linktype = struct.unpack_from("<IHHiIII", data, 0)
    assert magic == PCAP_MAGIC_USEC, "not a little-endian pcap"
    assert linktype == LINKTYPE_ETHERNET
    offset = 24
    while offset + 16 <= len(data):
        _, _, caplen, _ = struct.unpack_from("<IIII", data, offset)
        frame = data[offset + 16:offset + 16 + caplen]
        offset += 16 + caplen
        packet = parse_tcp(frame)
        if packet:
            yield packet


def parse_tcp(frame):
    if len(frame) < 14 + 20 or struct.unpack_from("!H", frame, 12)[0] != ETHERTYPE_IPV4:
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    total = struct.unpack_from("!H", ip, 2)[0]
    if ip[9] != IPPROTO_TCP:
        return None
    tcp = ip[ihl:total]
    sport, dport = struct.unpack_from("!HH", tcp, 0)
    data_offset = (tcp[12] >> 4) * 4
    return {
        "src": socket.inet_ntoa(ip[12:16]), "dst": socket.inet_ntoa(ip[16:20]),
        "sport": sport, "dport": dport, "flags": tcp[13],
        "payload": tcp[data_offset:],
    }
