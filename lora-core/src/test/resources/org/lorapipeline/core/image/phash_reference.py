#!/usr/bin/env python3
"""Independent pHash reference for PerceptualHashTest.

Runs the DCT/median step of imagehash.phash (imagehash 4.x: scipy.fftpack.dct along axis 0 then 1, top-left
8x8, bit = coefficient > median, row-major, MSB first) on 32x32 grey matrices given by an integer formula, so the
Java test can rebuild the same matrices without any binary fixture. Output: one "pattern hex" line per pattern.
Run once: python3 phash_reference.py > phash_reference.txt
"""
import numpy
import scipy.fftpack


def pattern(k):
    g = numpy.zeros((32, 32))
    for y in range(32):
        for x in range(32):
            g[y, x] = (x * 37 * k + y * 73 + (x * y * k) % 91 + (x // 8) * 40 * k) % 256
    return g


def phash(pixels):
    dct = scipy.fftpack.dct(scipy.fftpack.dct(pixels, axis=0), axis=1)
    low = dct[:8, :8]
    med = numpy.median(low)
    bits = (low > med).flatten()
    return "%016x" % int("".join("1" if b else "0" for b in bits), 2)


for k in range(1, 6):
    print(k, phash(pattern(k)))
