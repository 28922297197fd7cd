#!/usr/bin/env python3
"""Seed corpora for the fuzz targets (docs/fuzzing.md). Python 3 standard library only.

    fuzz/seeds/make_seeds.py [--captures DIR] [--out fuzz/corpus] [--staging DIR]

Golden packets (built below, both versions, every packet type) go straight into fuzz/corpus/<target>/. Packets
from the captures in DIR (TCP payloads reassembled per direction from .pcap/.pcapng) go into
STAGING/<target>/, to be merged into the corpus with libFuzzer's -merge=1 (fuzz/run-all.sh --seed does both),
so that only inputs adding coverage are kept. Files are named by the SHA-256 of their content.
Input layouts (one per target) are described in docs/fuzzing.md.
"""
import argparse
import hashlib
import os
import struct
import sys

BROKER_PORT = 28830
MAX_SEED = 4096  # libFuzzer runs with -max_len=4096
MAX_STREAM_SEED = 1024  # capture streams are cut here: several packets each, and a small corpus

# --- MQTT builders -------------------------------------------------------------------------------------------

def vbi(n):
    out = bytearray()
    while True:
        d = n % 128
        n //= 128
        out.append(d | (0x80 if n else 0))
        if not n:
            return bytes(out)

def u16(n):
    return struct.pack(">H", n)

def u32(n):
    return struct.pack(">I", n)

def s(text):
    b = text.encode() if isinstance(text, str) else text
    return u16(len(b)) + b

def pkt(first, body):
    return bytes([first]) + vbi(len(body)) + body

def props(*items):
    body = b"".join(items)
    return vbi(len(body)) + body

def p_byte(i, v): return bytes([i, v])
def p_u16(i, v): return bytes([i]) + u16(v)
def p_u32(i, v): return bytes([i]) + u32(v)
def p_vbi(i, v): return bytes([i]) + vbi(v)
def p_str(i, v): return bytes([i]) + s(v)
def p_bin(i, v): return bytes([i]) + s(v)
def p_user(k, v): return bytes([0x26]) + s(k) + s(v)

def connect(version, client_id="c", clean=True, keep_alive=60, prop=b"", will=None, user=None, password=None):
    flags = 0x02 if clean else 0
    tail = b""
    if will is not None:
        topic, payload, qos, retain, wprops = will
        flags |= 0x04 | (qos << 3) | (0x20 if retain else 0)
        tail += (wprops if version == 5 else b"") + s(topic) + s(payload)
    if user is not None:
        flags |= 0x80
        tail += s(user)
    if password is not None:
        flags |= 0x40
        tail += s(password)
    body = s("MQTT") + bytes([version, flags]) + u16(keep_alive) + (prop if version == 5 else b"") + s(client_id)
    return pkt(0x10, body + tail)

def golden():
    """(version, packet bytes, properties-context or None, property bytes) for every packet type."""
    out = []  # (version, packet)
    pr = []   # (context index, property bytes): fuzz_properties seeds
    # property_context order: connect will connack publish puback pubrec pubrel pubcomp subscribe suback
    #                         unsubscribe unsuback disconnect auth
    CONNECT, WILL, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, \
        DISCONNECT, AUTH = range(14)

    # MQTT 3.1.1
    v = 4
    out += [(v, connect(4)),
            (v, connect(4, client_id="", keep_alive=0)),
            (v, connect(4, client_id="sub311", clean=False, will=("will/t", b"bye", 1, True, b""),
                        user="alice", password=b"secret")),
            (v, connect(4, will=("w", b"", 2, False, b""))),
            (v, pkt(0x20, b"\x00\x00")), (v, pkt(0x20, b"\x01\x00")), (v, pkt(0x20, b"\x00\x05")),
            (v, pkt(0x20, b"\x00\x01")),
            (v, pkt(0x30, s("a/b") + b"hi!")), (v, pkt(0x31, s("state/lamp"))),
            (v, pkt(0x32, s("a/b") + u16(1) + b"hi!")), (v, pkt(0x3d, s("x") + u16(0xFFFF) + b"\x00\xff")),
            (v, pkt(0x34, s("seg/utf8/é漢") + u16(7) + "über".encode())),
            (v, pkt(0x40, u16(1))), (v, pkt(0x50, u16(2))), (v, pkt(0x62, u16(3))), (v, pkt(0x70, u16(4))),
            (v, pkt(0x82, u16(10) + s("demo/#") + b"\x02" + s("other/+/x") + b"\x01")),
            (v, pkt(0x82, u16(11) + s("+") + b"\x00")),
            (v, pkt(0x90, u16(10) + b"\x00\x01\x02\x80")),
            (v, pkt(0xa2, u16(12) + s("demo/#") + s("other/+/x"))),
            (v, pkt(0xb0, u16(12))),
            (v, pkt(0xc0, b"")), (v, pkt(0xd0, b"")), (v, pkt(0xe0, b""))]

    # MQTT 5.0
    v = 5
    cprops = props(p_u32(0x11, 300), p_u16(0x21, 20), p_u32(0x27, 65536), p_u16(0x22, 10), p_byte(0x17, 1),
                   p_byte(0x19, 1), p_user("k", "v"), p_str(0x15, "SCRAM-SHA-1"), p_bin(0x16, b"\x01\x02"))
    wprops = props(p_u32(0x18, 5), p_byte(0x01, 1), p_u32(0x02, 60), p_str(0x03, "text/plain"),
                   p_str(0x08, "reply/to"), p_bin(0x09, b"corr"), p_user("who", "me"))
    ackprops = props(p_u32(0x11, 0), p_str(0x12, "auto-1"), p_u16(0x13, 30), p_str(0x1A, "resp"),
                     p_str(0x1C, "other:1883"), p_str(0x1F, "ok"), p_u16(0x21, 100), p_u16(0x22, 5),
                     p_byte(0x24, 1), p_byte(0x25, 0), p_u32(0x27, 1024), p_byte(0x28, 1), p_byte(0x29, 0),
                     p_byte(0x2A, 1), p_user("a", "b"))
    pprops = props(p_byte(0x01, 1), p_u32(0x02, 10), p_str(0x03, "application/json"), p_str(0x08, "r/t"),
                   p_bin(0x09, b"\x00\x01"), p_vbi(0x0B, 7), p_vbi(0x0B, 200000), p_u16(0x23, 3),
                   p_user("k1", "v1"), p_user("k1", "v2"))
    reason_props = props(p_str(0x1F, "because"), p_user("x", "y"))
    out += [(v, connect(5, prop=props())),
            (v, connect(5, prop=cprops, will=("will/5", b"gone", 2, True, wprops), user="u", password=b"p")),
            (v, connect(5, prop=props(), password=b"only-password")),
            (v, pkt(0x20, b"\x00\x00" + props())), (v, pkt(0x20, b"\x01\x00" + ackprops)),
            (v, pkt(0x20, b"\x00\x8c" + props(p_str(0x1F, "bad auth method")))),
            (v, pkt(0x30, s("v5/a") + props() + b"payload")),
            (v, pkt(0x33, s("v5/b") + u16(5) + pprops + b"{}")),
            (v, pkt(0x34, s("") + u16(6) + props(p_u16(0x23, 3)) + b"by alias")),
            (v, pkt(0x40, u16(1))), (v, pkt(0x40, u16(1) + b"\x10")), (v, pkt(0x40, u16(1) + b"\x00" + props())),
            (v, pkt(0x50, u16(2) + b"\x80" + reason_props)), (v, pkt(0x62, u16(3) + b"\x92")),
            (v, pkt(0x70, u16(4) + b"\x00" + props(p_str(0x1F, "done")))),
            (v, pkt(0x82, u16(5) + props(p_vbi(0x0B, 7), p_user("s", "t")) + s("v5/#") + b"\x2e" +
                    s("$share/g/a/+") + b"\x01")),
            (v, pkt(0x82, u16(6) + props() + s("#") + b"\x1a")),
            (v, pkt(0x90, u16(5) + props(p_str(0x1F, "r")) + b"\x02\x01\x80\x8f\x9e\xa1\xa2")),
            (v, pkt(0xa2, u16(7) + props(p_user("u", "p")) + s("v5/#") + s("$share/g/a/+"))),
            (v, pkt(0xb0, u16(7) + props() + b"\x00\x11\x8f")),
            (v, pkt(0xc0, b"")), (v, pkt(0xd0, b"")),
            (v, pkt(0xe0, b"")), (v, pkt(0xe0, b"\x04")),
            (v, pkt(0xe0, b"\x04" + props(p_str(0x1F, "will please"), p_u32(0x11, 0), p_str(0x1C, "srv")))),
            (v, pkt(0xf0, b"")), (v, pkt(0xf0, b"\x18" + props(p_str(0x15, "SCRAM-SHA-1"), p_bin(0x16, b"xyz")))),
            (v, pkt(0xf0, b"\x19" + props(p_str(0x15, "m"))))]
    def body_props(prop_field):
        # drop the Property Length (a 1- or 2-byte VBI) in front
        n = 1 if prop_field[0] < 0x80 else 2
        return prop_field[n:]

    pr += [(CONNECT, body_props(cprops)), (WILL, body_props(wprops)), (CONNACK, body_props(ackprops)),
           (PUBLISH, body_props(pprops)), (PUBLISH | 0x80, body_props(props(p_u16(0x23, 1)))),
           (PUBACK, body_props(reason_props)), (PUBREC, body_props(reason_props)),
           (PUBREL, body_props(reason_props)), (PUBCOMP, body_props(reason_props)),
           (SUBSCRIBE, body_props(props(p_vbi(0x0B, 268435455), p_user("k", "v")))),
           (SUBACK, body_props(reason_props)), (UNSUBSCRIBE, body_props(props(p_user("k", "v")))),
           (UNSUBACK, body_props(reason_props)),
           (DISCONNECT, body_props(props(p_u32(0x11, 10), p_str(0x1C, "x"), p_str(0x1F, "y")))),
           (AUTH, body_props(props(p_str(0x15, "m"), p_bin(0x16, b"d"), p_str(0x1F, "z"))))]
    pr += [(c, b"") for c in range(14)]
    return out, pr

TOPIC_PAIRS = [("a/b", "a/b"), ("a/+", "a/b"), ("#", "a"), ("+/#", "$SYS/x"), ("$share/g/a/#", "a/b"),
               ("a/#", "a"), ("/", "/"), ("+/+", "/"), ("sport/tennis/#", "sport/tennis/player1/ranking"),
               ("+/tennis/#", "sport/tennis"), ("$SYS/#", "$SYS/broker"), ("seg/utf8/+", "seg/utf8/é漢"),
               ("a/+/c", "a//c"), ("$share//a", "a"), ("$share/g", "g"), ("a#", "a+"), ("", "")]

# fuzz_engine scripts (fuzz_engine.cpp): byte 0 = config bits, then opcode + arguments. Opcodes: 0 raw bytes,
# 1 CONNECT, 2 SUBSCRIBE, 3 PUBLISH, 4 ack, 5 UNSUBSCRIBE, 6 PINGREQ, 7 DISCONNECT, 8 time, 9 drop, 10 reconnect.
# Topic argument: byte (bit 7 $share/g/, bit 6 allow wildcards in names, bits 0-1 levels - 1) then one byte per
# level indexing a, b, c, $x, +, #, "", a.
def engine_scripts():
    A, B, C, DOLLAR, PLUS, HASH = 0, 1, 2, 3, 4, 5
    def connect(slot, v5, client, clean=True, will=None, props=0):
        flags = (1 if v5 else 0) | (2 if clean else 0)
        out = [1, slot]
        if will is not None:
            flags |= 4 | (will[1] << 4)
        out += [flags, (client << 4) | props]
        if will is not None:
            out += will[0]
        return out
    def topic(*levels, share=False):
        return [(0x80 if share else 0) | (len(levels) - 1)] + list(levels)
    def subscribe(slot, filt, qos=1, pid=0):
        return [2, slot, 0] + filt + [qos, pid]
    def publish(slot, name, qos=0, retain=False, pid=0):
        b = qos | (4 if retain else 0)
        return [3, slot, b] + name + ([pid] if qos else [])
    scripts = [
        # v5 subscriber c0 on a/+, v3.1.1 publisher c1 to a/b at QoS 1, acks, time, disconnects
        [0] + connect(0, True, 0) + connect(1, False, 1) + subscribe(0, topic(A, PLUS)) +
        publish(1, topic(A, B), qos=1) + [4, 0, 0, 0] + [8, 0x81] + [7, 0, 0] + [7, 1, 0],
        # retained message, late subscriber with #, QoS 2 flow, will on network drop
        [0] + connect(1, False, 1, will=(topic(B, C), 1)) + publish(1, topic(A, B, C), qos=2, retain=True) +
        [4, 1, 2, 0] + connect(0, True, 0) + subscribe(0, topic(HASH), qos=2) + [4, 0, 1, 0] + [4, 0, 3, 0] +
        [9, 1] + [8, 0x90],
        # shared subscription, $ topics, session resumption (clean start 0), keep-alive timeout
        [0x01] + connect(0, True, 0, clean=False, props=0x4F) + subscribe(0, topic(PLUS, B, share=True)) +
        subscribe(2, topic(DOLLAR, HASH)) + [9, 0] + publish(1, topic(A, B), qos=1) + connect(0, True, 0, clean=False) +
        [8, 0xFF] + [8, 0xFF],
        # raw bytes: a v3.1.1 CONNECT, then garbage
        [0x40, 0, 0, len(connect_bytes())] + list(connect_bytes()) + [0, 0, 4, 0x30, 0xFF, 0xFF, 0x01],
        # limits: topic aliases and small maximum packet size on the client side
        [0x03] + connect(0, True, 0, props=0x80) + subscribe(0, topic(A, HASH)) +
        publish(1, topic(A, B)) + publish(1, topic(A, B)) + publish(1, topic(A, C, B), qos=1) + [10, 0] + [10, 1],
    ]
    return [bytes(x) for x in scripts]

def connect_bytes():
    return connect(4, client_id="r")

# --- capture reading -----------------------------------------------------------------------------------------

def read_pcap(data):
    """Yields (linktype, frame bytes) from a classic pcap or a pcapng file."""
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    elif magic == b"\x0a\x0d\x0d\x0a":
        yield from read_pcapng(data)
        return
    else:
        raise ValueError("not a capture file")
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
    pos = 24
    while pos + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[pos:pos + 16])
        pos += 16
        yield linktype, data[pos:pos + incl]
        pos += incl

def read_pcapng(data):
    pos = 0
    endian = "<"
    links = []
    while pos + 12 <= len(data):
        btype = struct.unpack(endian + "I", data[pos:pos + 4])[0]
        if btype == 0x0A0D0D0A:
            endian = "<" if data[pos + 8:pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        blen = struct.unpack(endian + "I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + blen - 4]
        if btype == 1:
            links.append(struct.unpack(endian + "H", body[:2])[0])
        elif btype == 6:
            iface, _, _, caplen, _ = struct.unpack(endian + "IIIII", body[:20])
            yield links[iface], body[20:20 + caplen]
        elif btype == 3:
            yield links[0], body[4:]
        pos += blen

def tcp_segment(linktype, frame):
    """(src, sport, dst, dport, seq, flags, payload) or None."""
    if linktype == 1:  # Ethernet
        ethertype, off = struct.unpack(">H", frame[12:14])[0], 14
        while ethertype == 0x8100:
            ethertype, off = struct.unpack(">H", frame[off + 2:off + 4])[0], off + 4
    elif linktype == 113:  # Linux cooked v1
        ethertype, off = struct.unpack(">H", frame[14:16])[0], 16
    elif linktype == 276:  # Linux cooked v2
        ethertype, off = struct.unpack(">H", frame[0:2])[0], 20
    elif linktype == 0:  # BSD loopback
        family = struct.unpack("<I", frame[:4])[0]
        ethertype, off = (0x0800 if family == 2 else 0x86DD), 4
    else:
        return None
    if ethertype == 0x0800:
        ihl = (frame[off] & 0x0F) * 4
        if frame[off + 9] != 6:
            return None
        total = struct.unpack(">H", frame[off + 2:off + 4])[0]
        src, dst = frame[off + 12:off + 16], frame[off + 16:off + 20]
        ip_end = off + total
        off += ihl
    elif ethertype == 0x86DD:
        if frame[off + 6] != 6:
            return None
        plen = struct.unpack(">H", frame[off + 4:off + 6])[0]
        src, dst = frame[off + 8:off + 24], frame[off + 24:off + 40]
        ip_end = off + 40 + plen
        off += 40
    else:
        return None
    sport, dport, seq = struct.unpack(">HHI", frame[off:off + 8])
    doff = (frame[off + 12] >> 4) * 4
    flags = frame[off + 13]
    return src, sport, dst, dport, seq, flags, frame[off + doff:ip_end]

def streams(path):
    """{(src, sport, dst, dport): bytes} reassembled in sequence order, stopping at the first gap."""
    with open(path, "rb") as f:
        data = f.read()
    segs, isn = {}, {}
    for linktype, frame in read_pcap(data):
        t = tcp_segment(linktype, frame)
        if t is None:
            continue
        src, sport, dst, dport, seq, flags, payload = t
        key = (src, sport, dst, dport)
        if flags & 0x02:  # SYN
            isn[key] = (seq + 1) & 0xFFFFFFFF
        if payload:
            segs.setdefault(key, {}).setdefault(seq, payload)
    out = {}
    for key, by_seq in segs.items():
        nxt = isn.get(key, min(by_seq))
        buf = bytearray()
        pending = dict(by_seq)
        while True:
            hit = [q for q in pending if q <= nxt < q + len(pending[q])] if nxt not in pending else [nxt]
            if not hit:
                break
            q = hit[0]
            buf += pending.pop(q)[nxt - q:]
            nxt = (q + len(by_seq[q])) & 0xFFFFFFFF
        out[key] = bytes(buf)
    return out

def split_packets(stream):
    """MQTT packets by their fixed headers; stops at a malformed length or a truncated packet."""
    out, pos = [], 0
    while pos < len(stream):
        n, mult, i = 0, 1, pos + 1
        while i < len(stream) and i < pos + 5:
            n += (stream[i] & 0x7F) * mult
            mult *= 128
            i += 1
            if not stream[i - 1] & 0x80:
                break
        else:
            break
        end = i + n
        if end > len(stream):
            break
        out.append(stream[pos:end])
        pos = end
    return out, pos

def topics_of(packet, version):
    """Topic names of a PUBLISH and topic filters of a SUBSCRIBE/UNSUBSCRIBE, best effort."""
    t = packet[0] >> 4
    i = 1
    while packet[i] & 0x80:
        i += 1
    body = packet[i + 1:]
    try:
        if t == 3:
            n = struct.unpack(">H", body[:2])[0]
            return [body[2:2 + n]]
        if t in (8, 10):
            pos = 2
            if version == 5:
                plen, shift = 0, 0
                while True:
                    b = body[pos]
                    plen |= (b & 0x7F) << shift
                    shift += 7
                    pos += 1
                    if not b & 0x80:
                        break
                pos += plen
            found = []
            while pos + 2 <= len(body):
                n = struct.unpack(">H", body[pos:pos + 2])[0]
                found.append(body[pos + 2:pos + 2 + n])
                pos += 2 + n + (1 if t == 8 else 0)
            return found
    except (IndexError, struct.error):
        pass
    return []

# --- output --------------------------------------------------------------------------------------------------

class writer:
    def __init__(self, root):
        self.root = root
        self.count = {}

    def add(self, target, data):
        data = bytes(data[:MAX_SEED])
        d = os.path.join(self.root, target)
        os.makedirs(d, exist_ok=True)
        name = hashlib.sha256(data).hexdigest()
        path = os.path.join(d, name)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.count[target] = self.count.get(target, 0) + 1

SELECTOR = {0: 0x00, 4: 0x01, 5: 0x02}  # fuzz_common.hpp options_from_byte: unknown, v3.1.1, v5
STREAM_MODES = [(0x00, b"\x00" * 7 + b"\x01"), (0x04, b"\x12\x34\x56\x78\x9a\xbc\xde\xf1"),
                (0x07, b"\x01\x02\x03\x04\x05\x06\x07\x08")]

def topic_seed(filter_, name):
    f = filter_.encode() if isinstance(filter_, str) else filter_
    n = name.encode() if isinstance(name, str) else name
    return bytes([min(len(f), 255)]) + f[:255] + n

def add_stream(w, selector, stream):
    w.add("fuzz_decode", bytes([selector]) + stream)
    w.add("fuzz_roundtrip", bytes([selector]) + stream)
    for mode, seed in STREAM_MODES:
        w.add("fuzz_stream", bytes([selector, mode]) + seed + stream)

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--captures", default=os.path.join(here, "..", "..", "..", "shared", "captures"))
    ap.add_argument("--out", default=os.path.join(here, "..", "corpus"))
    ap.add_argument("--staging", default=None, help="where capture-derived seeds go (default: --out)")
    args = ap.parse_args()

    gold = writer(args.out)
    packets, prop_lists = golden()
    for version, p in packets:
        gold.add("fuzz_fixed_header", p)
        selector = SELECTOR[0 if p[0] >> 4 == 1 else version]
        gold.add("fuzz_decode", bytes([selector]) + p)
        gold.add("fuzz_roundtrip", bytes([selector]) + p)
    for version in (4, 5):
        session = b"".join(p for v, p in packets if v == version)
        add_stream(gold, SELECTOR[0], session)  # CONNECTs first, then the version they negotiate
    for ctx, body in prop_lists:
        gold.add("fuzz_properties", bytes([ctx]) + body)
    for f, n in TOPIC_PAIRS:
        gold.add("fuzz_topic", topic_seed(f, n))
    for lengths in ([0x7F], [0x80, 0x01], [0xFF, 0x7F], [0x80, 0x80, 0x01], [0xFF, 0xFF, 0xFF, 0x7F],
                    [0xFF, 0xFF, 0xFF, 0xFF, 0x7F], [0x80, 0x00]):
        gold.add("fuzz_fixed_header", bytes([0x30] + lengths))

    for script in engine_scripts():
        gold.add("fuzz_engine", script)

    cap = writer(args.staging or args.out)
    if os.path.isdir(args.captures):
        for name in sorted(os.listdir(args.captures)):
            if not (name.endswith(".pcap") or name.endswith(".pcapng")):
                continue
            flows = streams(os.path.join(args.captures, name))
            versions = {}
            for (src, sport, dst, dport), data in flows.items():
                if dport == BROKER_PORT and len(data) > 8 and data[0] == 0x10:
                    # CONNECT: protocol level after the 2-byte-length protocol name
                    i = 1
                    while data[i] & 0x80:
                        i += 1
                    level = data[i + 1 + 2 + 4] if len(data) > i + 8 else 4
                    versions[(src, sport)] = level if level in (4, 5) else 4
            for (src, sport, dst, dport), data in flows.items():
                to_broker = dport == BROKER_PORT
                version = versions.get((src, sport) if to_broker else (dst, dport), 4)
                selector = SELECTOR[0] if to_broker and data[:1] == b"\x10" else SELECTOR[version]
                add_stream(cap, selector, data[:MAX_STREAM_SEED])
                pkts, _ = split_packets(data)
                for p in pkts:
                    cap.add("fuzz_fixed_header", p[:8])
                    if len(p) <= MAX_STREAM_SEED and p[0] >> 4 != 1:
                        cap.add("fuzz_decode", bytes([SELECTOR[version]]) + p)
                        cap.add("fuzz_roundtrip", bytes([SELECTOR[version]]) + p)
                    for topic in topics_of(p, version):
                        cap.add("fuzz_topic", topic_seed(topic, topic))
                        cap.add("fuzz_topic", topic_seed(topic, b"a/b"))
    else:
        print(f"no captures directory at {args.captures}: golden seeds only", file=sys.stderr)
    for label, w in (("golden", gold), ("captures", cap)):
        for target in sorted(w.count):
            print(f"{label}: {target}: {w.count[target]} new seeds")

if __name__ == "__main__":
    main()
