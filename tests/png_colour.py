#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# png_colour.py FILE.png: exit 0 if both the top and the bottom half of the
# image hold at least 2000 strongly coloured pixels (a chart, not text or
# white page). Decodes 8-bit RGB/RGBA PNGs (what Chromium writes) with
# zlib alone: the test machine needs no imaging library.
import struct, sys, zlib

def rows(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
            assert depth == 8 and ctype in (2, 6), 'only 8-bit RGB/RGBA'
            bpp = 3 if ctype == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw, stride, prev, out = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.append((line, bpp))
        prev = line
    return w, out

w, img = rows(sys.argv[1])
half = len(img) // 2
def coloured(rs):
    n = 0
    for line, bpp in rs[::4]:
        for x in range(0, w * bpp, bpp * 4):
            r, g, b = line[x], line[x + 1], line[x + 2]
            n += max(r, g, b) - min(r, g, b) > 60
    return n * 16
top, bottom = coloured(img[:half]), coloured(img[half:])
print('coloured pixels: top %d, bottom %d' % (top, bottom))
sys.exit(0 if top > 2000 and bottom > 2000 else 1)
