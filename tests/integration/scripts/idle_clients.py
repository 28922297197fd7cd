#!/usr/bin/python3
"""Opens N MQTT 3.1.1 connections (CONNECT, wait for CONNACK) and keeps them idle until killed.

usage: idle_clients.py PORT N [HOST]   prints "READY n" when all are connected.
"""
import socket
import sys
import time

port, n = int(sys.argv[1]), int(sys.argv[2])
host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
socks = []
start = time.monotonic()
for i in range(n):
    cid = b"idle-%d" % i
    body = b"\x00\x04MQTT\x04\x02\x02\x58" + len(cid).to_bytes(2, "big") + cid  # keep alive 600 s
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(bytes([0x10, len(body)]) + body)
    ack = s.recv(4)
    if ack != b"\x20\x02\x00\x00":
        print("connection %d: bad CONNACK %r" % (i, ack), flush=True)
        sys.exit(1)
    socks.append(s)
print("READY %d in %.1f s" % (len(socks), time.monotonic() - start), flush=True)
time.sleep(3600)
