"""Reading the TCP payloads out of a classic pcap file, and the tools to
judge them: a marker search and the byte entropy.

The format (libpcap's): a 24-byte file header whose magic gives the
byte order and the time resolution, then per packet a 16-byte record
header and the captured bytes.  Link types handled: Ethernet (tcpdump on
Linux's `lo`, QEMU's filter-dump), Linux cooked capture v1 and v2, raw
IP and BSD loopback.  IPv4 and IPv6 (no extension headers) carrying TCP.
"""
import math
import struct
from collections import Counter

LINK_HEADER = {0: 4, 1: 14, 101: 0, 113: 16, 276: 20}
MAGICS = {
    0xa1b2c3d4: "<", 0xa1b23c4d: "<",       # written little-endian
    0xd4c3b2a1: ">", 0x4d3cb2a1: ">",       # written big-endian
}
IPPROTO_TCP = 6


class Segment:
    def __init__(self, src, sport, dst, dport, payload):
        self.src, self.sport, self.dst, self.dport = src, sport, dst, dport
        self.payload = payload


def _tcp(ip_packet):
    """(src, dst, tcp bytes) of an IPv4/IPv6 TCP packet, else None."""
    if not ip_packet:
        return None
    version = ip_packet[0] >> 4
    if version == 4:
        ihl = (ip_packet[0] & 0x0f) * 4
        total = struct.unpack(">H", ip_packet[2:4])[0]
        if ip_packet[9] != IPPROTO_TCP:
            return None
        return ip_packet[12:16], ip_packet[16:20], ip_packet[ihl:total]
    if version == 6:
        length = struct.unpack(">H", ip_packet[4:6])[0]
        if ip_packet[6] != IPPROTO_TCP:
            return None
        return ip_packet[8:24], ip_packet[24:40], ip_packet[40:40 + length]
    return None


def segments(path):
    """Every TCP segment with a payload in the capture, in order."""
    data = open(path, "rb").read()
    if len(data) < 24:
        raise ValueError(f"{path}: not a pcap file (too short)")
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in MAGICS:
        raise ValueError(f"{path}: not a classic pcap file "
                         f"(magic {magic:#x})")
    order = MAGICS[magic]
    linktype = struct.unpack(order + "I", data[20:24])[0]
    if linktype not in LINK_HEADER:
        raise ValueError(f"{path}: link type {linktype} not handled")
    skip = LINK_HEADER[linktype]
    out, pos = [], 24
    while pos + 16 <= len(data):
        incl = struct.unpack(order + "I", data[pos + 8:pos + 12])[0]
        packet = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        if linktype == 1 and packet[12:14] == b"\x81\x00":
            packet = packet[4:]         # one VLAN tag
        parsed = _tcp(packet[skip:])
        if not parsed:
            continue
        src, dst, tcp = parsed
        if len(tcp) < 20:
            continue
        sport, dport = struct.unpack(">HH", tcp[:4])
        offset = (tcp[12] >> 4) * 4
        if len(tcp) > offset:
            out.append(Segment(src, sport, dst, dport, tcp[offset:]))
    return out


def payload_bytes(path, port=None):
    """All TCP payload bytes (of one port if given), concatenated."""
    return b"".join(s.payload for s in segments(path)
                    if port is None or port in (s.sport, s.dport))


def stream_bytes(path, port=None):
    """Payloads joined per direction of each connection, so that a marker
    split over two segments is still found."""
    streams = {}
    for s in segments(path):
        if port is None or port in (s.sport, s.dport):
            key = (s.src, s.sport, s.dst, s.dport)
            streams[key] = streams.get(key, b"") + s.payload
    return list(streams.values())


def contains(path, marker, port=None):
    return any(marker in stream for stream in stream_bytes(path, port))


def entropy(data):
    """Shannon entropy in bits per byte (8.0 for uniform random bytes)."""
    if not data:
        return 0.0
    total = len(data)
    return -sum(n / total * math.log2(n / total)
                for n in Counter(data).values())


def main(argv=None):
    """pcap.py FILE [--port N] [--marker TEXT]... [--expect absent|present]

    Prints what the capture holds (TCP payload bytes, their entropy,
    whether each marker is there); exits 1 when a marker is not as
    expected.  make demo uses it for its capture check."""
    import argparse
    parser = argparse.ArgumentParser(prog="pcap.py")
    parser.add_argument("file")
    parser.add_argument("--port", type=int)
    parser.add_argument("--marker", action="append", default=[])
    parser.add_argument("--expect", choices=("absent", "present"),
                        default="absent")
    parser.add_argument("--label", default=None)
    args = parser.parse_args(argv)
    payload = payload_bytes(args.file, args.port)
    where = f" on port {args.port}" if args.port else ""
    label = args.label or args.file
    indent = " " * (len(label) - len(label.lstrip()) + 2)
    print(f"{label}: {len(payload)} bytes of TCP payload{where}, "
          f"{entropy(payload):.2f} bits of entropy per byte (random bytes: "
          f"8, text: about 4.5)")
    ok = True
    for marker in args.marker:
        found = contains(args.file, marker.encode(), args.port)
        print(f"{indent}'{marker}': {'FOUND' if found else 'not found'}")
        ok &= found == (args.expect == "present")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
