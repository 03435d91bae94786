"""A second implementation of the encrypted chat protocol (CCSP v1).

Written from docs/secure-protocol.md alone, on Python's `cryptography`
package (X25519, AES-CBC) and the standard library (HMAC, SHA-256,
scrypt), sharing no code with secure/.  The tests use it to show that
the document is enough to build a compatible peer, and as the
attacker's tool: a man in the middle that runs the protocol properly
but does not hold the pre-shared key.

Blocking sockets, one thread per peer; errors raise CcspError with the
same wording as the C library where a test compares them.
"""
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey, X25519PublicKey)
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# Frame types (section 3)
CLIENT_HELLO, SERVER_HELLO, SERVER_FINISHED, CLIENT_FINISHED, ALERT = \
    1, 2, 3, 4, 5
DATA, CLOSE, ENC_ALERT = 0x10, 0x11, 0x12
RECORD_TYPES = (DATA, CLOSE, ENC_ALERT)

MAGIC = b"CCSP"
VERSION, SUITE = 1, 1
KEY_MODE_FILE, KEY_MODE_PASSPHRASE = 1, 2
LABEL_PREFIX = b"cchat-secure v1 "
HDR_LEN, IV_LEN, MAC_LEN, BLOCK = 3, 16, 32, 16
MAX_PLAINTEXT = 16384
REKEY_RECORDS_DEFAULT, REKEY_BYTES_DEFAULT = 1 << 16, 64 << 20
ALERT_AUTH = 1

ALERT_TEXT = {
    1: "authentication failed", 2: "protocol error",
    3: "unsupported protocol version",
    4: "record authentication failed (tampered)",
    5: "replayed or reordered record",
    6: "dropped or reordered record (sequence gap)",
    7: "oversized record length",
    8: "authentication failed: key mode mismatch",
    9: "the peer reported an error",
}


class CcspError(Exception):
    pass


def frame(ftype, body):
    return bytes([ftype]) + struct.pack(">H", len(body)) + body


def sha256(data):
    return hashlib.sha256(data).digest()


def hmac256(key, data):
    return hmac.new(key, data, hashlib.sha256).digest()


def hkdf_extract(salt, ikm):
    return hmac256(salt, ikm)


def hkdf_expand(prk, info, length):
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac256(prk, block + info + bytes([counter]))
        out += block
        counter += 1
    return out[:length]


def expand_label(key, label, context=b"", length=32):
    return hkdf_expand(key, LABEL_PREFIX + label.encode() + context, length)


def scrypt_key(passphrase, salt):
    return hashlib.scrypt(passphrase.encode(), salt=salt, n=1 << 15, r=8,
                          p=1, maxmem=64 << 20, dklen=32)


def raw_public(private_key):
    return private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


class Direction:
    """The keys and counters of one direction (section 5)."""

    def __init__(self, secret, rekey_records, rekey_bytes):
        self.secret = secret
        self.seq = 0
        self.rekey_records = rekey_records
        self.rekey_bytes = rekey_bytes
        self.epoch_records = 0
        self.epoch_bytes = 0
        self.rekeys = 0
        self._derive()

    def _derive(self):
        self.enc_key = expand_label(self.secret, "key")
        self.mac_key = expand_label(self.secret, "mac")

    def mac(self, ftype, length, iv, ciphertext):
        return hmac256(self.mac_key, struct.pack(">QBH", self.seq, ftype,
                                                 length) + iv + ciphertext)

    def account(self, body_len):
        self.seq += 1
        self.epoch_records += 1
        self.epoch_bytes += body_len
        if (self.epoch_records >= self.rekey_records
                or self.epoch_bytes >= self.rekey_bytes):
            self.secret = expand_label(self.secret, "rekey",
                                       struct.pack(">Q", self.seq))
            self._derive()
            self.epoch_records = self.epoch_bytes = 0
            self.rekeys += 1


def seal(direction, ftype, payload):
    pad = BLOCK - len(payload) % BLOCK
    padded = payload + bytes([pad]) * pad
    iv = os.urandom(IV_LEN)
    enc = Cipher(algorithms.AES(direction.enc_key), modes.CBC(iv)).encryptor()
    ciphertext = enc.update(padded) + enc.finalize()
    length = IV_LEN + len(ciphertext) + MAC_LEN
    tag = direction.mac(ftype, length, iv, ciphertext)
    direction.account(length)
    return frame(ftype, iv + ciphertext + tag)


def open_record(direction, ftype, body):
    iv, ciphertext, tag = body[:IV_LEN], body[IV_LEN:-MAC_LEN], body[-MAC_LEN:]
    if len(ciphertext) < BLOCK or len(ciphertext) % BLOCK:
        raise CcspError("protocol error: bad record length")
    if not hmac.compare_digest(tag, direction.mac(ftype, len(body), iv,
                                                  ciphertext)):
        raise CcspError("record authentication failed")
    dec = Cipher(algorithms.AES(direction.enc_key), modes.CBC(iv)).decryptor()
    padded = dec.update(ciphertext) + dec.finalize()
    pad = padded[-1]
    if not 1 <= pad <= BLOCK or padded[-pad:] != bytes([pad]) * pad:
        raise CcspError("protocol error: bad padding")
    direction.account(len(body))
    return padded[:-pad]


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise CcspError("truncated stream")
        data += chunk
    return data


def read_frame(sock):
    hdr = read_exact(sock, HDR_LEN)
    length = struct.unpack(">H", hdr[1:])[0]
    return hdr[0], hdr + read_exact(sock, length)


class Peer:
    """One end of a CCSP connection over a connected blocking socket.

    psk: the 32-byte key; or passphrase (client: the text; server: the
    text, hashed with a fresh salt).  check_peer=False makes a client
    go on after a server proof it cannot verify (the man in the
    middle has nothing to lose)."""

    def __init__(self, sock, role, psk=None, passphrase=None,
                 rekey_records=REKEY_RECORDS_DEFAULT,
                 rekey_bytes=REKEY_BYTES_DEFAULT, check_peer=True):
        assert role in ("client", "server")
        self.sock = sock
        self.role = role
        self.psk = psk
        self.passphrase = passphrase
        self.rekey = (rekey_records, rekey_bytes)
        self.check_peer = check_peer
        self.tx = self.rx = None
        self.peer_closed = False
        self.plain = b""

    # ---- handshake (section 4)
    def handshake(self):
        if self.role == "client":
            self._client_handshake()
        else:
            self._server_handshake()

    def _expect(self, wanted):
        ftype, data = read_frame(self.sock)
        if ftype == ALERT:
            raise CcspError(ALERT_TEXT.get(data[3], "alert") +
                            " (reported by the peer)")
        if ftype != wanted:
            raise CcspError(f"protocol error: frame 0x{ftype:02x}, "
                            f"wanted 0x{wanted:02x}")
        return data

    def _schedule(self, private, peer_pub, th1):
        shared = private.exchange(X25519PublicKey.from_public_bytes(peer_pub))
        prk = hkdf_extract(self.psk, shared)
        keys = {label: expand_label(prk, label, th1)
                for label in ("server finished", "client finished",
                              "c2s traffic", "s2c traffic")}
        return keys

    def _start_records(self, keys):
        c2s = Direction(keys["c2s traffic"], *self.rekey)
        s2c = Direction(keys["s2c traffic"], *self.rekey)
        self.tx, self.rx = (c2s, s2c) if self.role == "client" else (s2c, c2s)

    def _client_handshake(self):
        private = X25519PrivateKey.generate()
        ch = frame(CLIENT_HELLO, MAGIC + bytes([VERSION, SUITE]) +
                   os.urandom(32) + raw_public(private))
        self.sock.sendall(ch)
        sh = self._expect(SERVER_HELLO)
        body = sh[HDR_LEN:]
        if len(body) != 95 or body[:4] != MAGIC:
            raise CcspError("peer does not speak the encrypted chat protocol")
        mode, salt = body[6], body[7:23]
        self.rekey = struct.unpack(">II", body[23:31])
        if self.passphrase is not None:
            if mode != KEY_MODE_PASSPHRASE:
                raise CcspError("authentication failed: key mode mismatch")
            self.psk = scrypt_key(self.passphrase, salt)
        elif mode != KEY_MODE_FILE:
            raise CcspError("authentication failed: key mode mismatch")
        th1 = sha256(ch + sh)
        keys = self._schedule(private, body[63:95], th1)
        sf = self._expect(SERVER_FINISHED)
        if (not hmac.compare_digest(sf[HDR_LEN:], hmac256(
                keys["server finished"], th1)) and self.check_peer):
            self.sock.sendall(frame(ALERT, bytes([ALERT_AUTH])))
            raise CcspError("authentication failed")
        th2 = sha256(ch + sh + sf)
        self.sock.sendall(frame(CLIENT_FINISHED,
                                hmac256(keys["client finished"], th2)))
        self._start_records(keys)

    def _server_handshake(self):
        ch = self._expect(CLIENT_HELLO)
        body = ch[HDR_LEN:]
        if len(body) != 70 or body[:4] != MAGIC:
            raise CcspError("peer does not speak the encrypted chat protocol")
        mode, salt = KEY_MODE_FILE, bytes(16)
        if self.passphrase is not None:
            mode, salt = KEY_MODE_PASSPHRASE, os.urandom(16)
            self.psk = scrypt_key(self.passphrase, salt)
        private = X25519PrivateKey.generate()
        sh = frame(SERVER_HELLO, MAGIC + bytes([VERSION, SUITE, mode]) +
                   salt + struct.pack(">II", *self.rekey) + os.urandom(32) +
                   raw_public(private))
        th1 = sha256(ch + sh)
        keys = self._schedule(private, body[38:70], th1)
        sf = frame(SERVER_FINISHED, hmac256(keys["server finished"], th1))
        self.sock.sendall(sh + sf)
        cf = self._expect(CLIENT_FINISHED)
        if not hmac.compare_digest(cf[HDR_LEN:], hmac256(
                keys["client finished"], sha256(ch + sh + sf))):
            self.sock.sendall(frame(ALERT, bytes([ALERT_AUTH])))
            raise CcspError("authentication failed")
        self._start_records(keys)

    # ---- records (section 5)
    def send(self, data):
        for i in range(0, len(data), MAX_PLAINTEXT):
            self.sock.sendall(seal(self.tx, DATA, data[i:i + MAX_PLAINTEXT]))

    def recv(self):
        """The next record's payload; b"" once the peer closed."""
        if self.peer_closed:
            return b""
        while True:
            ftype, data = read_frame(self.sock)
            if ftype == ALERT and self.rx.seq == 0:
                raise CcspError(ALERT_TEXT.get(data[3], "alert") +
                                " (reported by the peer)")
            if ftype not in RECORD_TYPES:
                raise CcspError(f"protocol error: frame 0x{ftype:02x}")
            payload = open_record(self.rx, ftype, data[HDR_LEN:])
            if ftype == DATA:
                if payload:
                    return payload
                continue
            if ftype == CLOSE:
                self.peer_closed = True
                return b""
            raise CcspError(ALERT_TEXT.get(payload[0], "alert") +
                            " (reported by the peer)")

    def recv_line(self):
        """The next line (bytes, without its end); None after a close."""
        while b"\n" not in self.plain:
            data = self.recv()
            if not data:
                return None
            self.plain += data
        line, self.plain = self.plain.split(b"\n", 1)
        return line.rstrip(b"\r")

    def close(self):
        try:
            self.sock.sendall(seal(self.tx, CLOSE, b""))
        except OSError:
            pass
