#!/usr/bin/env python3
"""Builds a large pcap for benchmarking mqtt-dump by replicating a small Ethernet/IPv4 capture.

Each copy gets its own client address (10.x.y.z) and shifted TCP sequence numbers (client seq and the server's
ack of it), so every copy is a distinct set of TCP connections; timestamps keep increasing.

    make_big_capture.py SOURCE.pcap OUT.pcap TARGET_BYTES [SERVER_PORT]
"""
import struct
import sys


def read_pcap(path):
    data = open(path, 'rb').read()
    magic = struct.unpack('<I', data[:4])[0]
    assert magic in (0xa1b2c3d4, 0xa1b23c4d), 'little-endian pcap expected'
    linktype = struct.unpack('<I', data[20:24])[0]
    assert linktype == 1, 'Ethernet capture expected'
    frames, at = [], 24
    while at < len(data):
        sec, frac, caplen, wirelen = struct.unpack('<IIII', data[at:at + 16])
        frames.append((sec, frac, wirelen, data[at + 16:at + 16 + caplen]))
        at += 16 + caplen
    return data[:24], frames


def main():
    src, out, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
    server_port = int(sys.argv[4]) if len(sys.argv) > 4 else 28830
    header, frames = read_pcap(src)
    t0 = frames[0][0]
    span = frames[-1][0] - t0 + 1
    prepared = []
    for sec, frac, wirelen, f in frames:
        if len(f) < 54 or f[12:14] != b'\x08\x00' or f[23] != 6:
            prepared.append((sec - t0, frac, wirelen, f, None))
            continue
        ihl = (f[14] & 0x0F) * 4
        tcp = 14 + ihl
        sport, dport = struct.unpack('>HH', f[tcp:tcp + 4])
        from_client = dport == server_port
        prepared.append((sec - t0, frac, wirelen, bytearray(f), (from_client, tcp)))
    written = 24
    copy = 0
    with open(out, 'wb') as o:
        o.write(header)
        while written < target:
            a, b, c = (copy >> 16) & 0xFF, (copy >> 8) & 0xFF, copy & 0xFF
            client_ip = bytes((10, a, b, c))
            shift = (copy * 7919) & 0xFFFFFFFF
            base = t0 + copy * span
            chunk = []
            for rel, frac, wirelen, f, tcpinfo in prepared:
                if tcpinfo is not None:
                    from_client, tcp = tcpinfo
                    f = bytearray(f)
                    if from_client:
                        f[26:30] = client_ip
                        seq = struct.unpack('>I', f[tcp + 4:tcp + 8])[0]
                        f[tcp + 4:tcp + 8] = struct.pack('>I', (seq + shift) & 0xFFFFFFFF)
                    else:
                        f[30:34] = client_ip
                        ack = struct.unpack('>I', f[tcp + 8:tcp + 12])[0]
                        f[tcp + 8:tcp + 12] = struct.pack('>I', (ack + shift) & 0xFFFFFFFF)
                chunk.append(struct.pack('<IIII', base + rel, frac, len(f), wirelen))
                chunk.append(bytes(f))
            blob = b''.join(chunk)
            o.write(blob)
            written += len(blob)
            copy += 1
    print(f'{out}: {written} bytes, {copy} copies of {len(frames)} frames = {copy * len(frames)} frames')


if __name__ == '__main__':
    main()
