"""A thousand clients at once: fan-out to all, and a mass disconnect."""
import socket
import struct

from conftest import connect_many, read_all_until, wait_for

CLIENTS = 1000


def register_all(socks, channel):
    for i, s in enumerate(socks):
        s.sendall(f"NICK u{i}\r\nUSER u{i} 0 * :Load {i}\r\n"
                  f"JOIN {channel}\r\n".encode())


def test_thousand_clients_join_and_one_message_reaches_all(server):
    socks = connect_many(server, CLIENTS)
    try:
        register_all(socks, "#big")
        read_all_until(socks, lambda i, line: f" 366 u{i} #big " in line)
        socks[0].sendall(b"PRIVMSG #big :one to a thousand\r\n")
        seen = read_all_until(
            socks[1:], lambda i, line: line.endswith(" :one to a thousand"))
        assert all(any(l.startswith(":u0!~u0@127.0.0.1 PRIVMSG #big :one")
                       for l in lines) for lines in seen)
        socks[1].sendall(b"NAMES #big\r\n")
        names = read_all_until(
            [socks[1]], lambda i, line: " 366 u1 #big " in line)[0]
        count = sum(len(l.split(":", 2)[2].split())
                    for l in names if " 353 u1 " in l)
        assert count == CLIENTS
    finally:
        for s in socks:
            s.close()


def test_thousand_connections_dropped_at_once(server, raw_client):
    watcher = raw_client(server).register("watcher").join("#stay")
    socks = connect_many(server, CLIENTS)
    for i, s in enumerate(socks):
        if i % 3 == 0:
            s.sendall(f"NICK d{i}\r\nUSER d{i} 0 * :x\r\nJOIN #stay\r\n"
                      .encode())
        elif i % 3 == 1:
            s.sendall(b"PRIVMSG #stay :never finish")
    for i, s in enumerate(socks):
        if i % 2:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
        s.close()
    # Still serving: a newcomer registers and talks to the watcher.
    newcomer = raw_client(server).register("newcomer").join("#stay")
    newcomer.send("PRIVMSG #stay :still alive")
    watcher.expect(r"^:newcomer!\S+ PRIVMSG #stay :still alive$")

    # Every dropped client leaves #stay, whatever state it was in.
    def only_two_left():
        newcomer.send("NAMES #stay")
        got = newcomer.expect(r" 353 newcomer = #stay :(.*)$").group(1)
        return sorted(got.split()) == ["@watcher", "newcomer"]

    wait_for(only_two_left, what="dropped clients to leave #stay")
