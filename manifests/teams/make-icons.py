#!/usr/bin/env python3
"""Writes the Teams app icons without any imaging library: color.png (192x192, full colour) and
outline.png (32x32, white on transparent), as Teams requires. Run from anywhere; writes next to this file."""
import os, struct, zlib

def png(path, size, pixel):
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y, size)) for x in range(size)) for y in range(size))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))

def bubble(x, y, size):
    """A chat bubble: a rounded square with a tail, as a mask."""
    m = size / 8
    inside = m <= x < size - m and m <= y < size - 2 * m
    tail = size - 2 * m <= y < size - m and m * 2 <= x < m * 2 + (size - m - y)
    return inside or tail

def color(x, y, size):
    if bubble(x, y, size):
        return (255, 255, 255, 255)
    return (0x2B, 0x57, 0x97, 255)

def outline(x, y, size):
    return (255, 255, 255, 255) if bubble(x, y, size) else (0, 0, 0, 0)

here = os.path.dirname(os.path.abspath(__file__))
png(os.path.join(here, "color.png"), 192, color)
png(os.path.join(here, "outline.png"), 32, outline)
