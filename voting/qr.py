"""QR codes for printed slips, fast enough for a county session's 400 code slips.

The ``qrcode`` package takes about 5 ms a symbol (2 s for 400 slips), all in Python: it writes
the data bit by bit, divides polynomials for the Reed–Solomon error correction, lays the symbol
out eight times and scores each layout with the standard's four penalty rules (ISO/IEC 18004
§7.8.3). Here ``qrcode`` still decides what it knows best (how the text is split into numeric,
alphanumeric and byte segments, the version, the block structure and the generator
polynomials, the function patterns, the format and version information: all read once per
version from its tables and cached), and the work per symbol is done with integers and numpy:

- the data bits are one Python integer;
- the error correction is linear over GF(2), so each block's EC bits are its data bits times a
  0/1 matrix (made once per block shape from the generator polynomial), one matrix product;
- the codewords go into the symbol at precomputed module positions in one assignment;
- the eight masks are applied and scored together, the way ``qrcode`` scores them (its trial
  layout leaves the format information light).

So the module matrix is identical to ``qrcode``'s, module for module
(tests/voting/test_pdf_slips_speedless.py checks this for versions 1 to 20 and every mode).
"""

from __future__ import annotations

import base64
import io
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import qrcode
import qrcode.constants
from PIL import Image
from qrcode import LUT, base, exceptions, util

ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QUIET_ZONE = 4  # modules of white the standard asks for around the symbol

# N3: dark-light-dark×3-light-dark (1:1:3:1:1) with four light modules on one side, as
# 11-bit numbers (the first module is the highest bit).
_FINDER_LIKE = (0b10111010000, 0b00001011101)


def _mask_conditions(n: int) -> np.ndarray:
    """The eight mask patterns (where the module is inverted), shape (8, n, n)."""
    i, j = np.indices((n, n))
    return np.array(
        [
            (i + j) % 2 == 0,
            i % 2 == 0,
            j % 3 == 0,
            (i + j) % 3 == 0,
            (i // 2 + j // 3) % 2 == 0,
            (i * j) % 2 + (i * j) % 3 == 0,
            ((i * j) % 2 + (i * j) % 3) % 2 == 0,
            ((i * j) % 3 + (i + j) % 2) % 2 == 0,
        ]
    )


def _gf_mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return base.EXP_TABLE[(base.LOG_TABLE[a] + base.LOG_TABLE[b]) % 255]


def _generator(ec_count: int) -> list[int]:
    """The generator polynomial of ``ec_count`` EC codewords, highest term first (as qrcode)."""
    if ec_count in LUT.rsPoly_LUT:
        return list(LUT.rsPoly_LUT[ec_count])
    poly = base.Polynomial([1], 0)
    for i in range(ec_count):
        poly = poly * base.Polynomial([1, base.gexp(i)], 0)
    return list(poly)


@lru_cache(maxsize=16)
def _ec_matrix(data_count: int, ec_count: int) -> np.ndarray:
    """The Reed–Solomon encoder of one block as a 0/1 matrix, (data bits, EC bits): the EC
    codewords are the remainder of data(x)·x^ec modulo the generator, which is linear in the
    data bits, so row k is the EC of the block whose only set bit is bit k."""
    g = _generator(ec_count)[1:]
    # x^k mod g for k = ec … ec + data_count − 1, lowest power first; x^ec ≡ g (characteristic 2)
    powers = [g]
    for _ in range(data_count - 1):
        top, rest = powers[-1][0], powers[-1][1:] + [0]
        powers.append([r ^ _gf_mul(top, c) for r, c in zip(rest, g, strict=True)])
    rows = []
    for j in range(data_count):  # data codeword j is the coefficient of x^(data_count-1-j)
        remainder = powers[data_count - 1 - j]
        for bit in range(8):
            rows.append([_gf_mul(1 << (7 - bit), r) for r in remainder])
    return np.unpackbits(np.array(rows, dtype=np.uint8), axis=1).astype(np.float32)


@dataclass(frozen=True)
class _Layout:
    """What every symbol of one version shares."""

    blank: np.ndarray  # (n, n) function patterns, format and version areas light
    rows: np.ndarray  # the data modules, in the order the codeword bits fill them
    cols: np.ndarray
    flips: np.ndarray  # (8, n, n): where each mask inverts a module
    info_area: np.ndarray  # (n, n): format and version information, and the dark module
    info: np.ndarray  # (8, n, n): their final values under each mask
    blocks: tuple[tuple[int, int], ...]  # (data codewords, EC codewords) per block
    order: np.ndarray  # blocks' data then blocks' EC codewords → the interleaved sequence


def _grid(version: int) -> qrcode.QRCode:
    q = qrcode.QRCode(version=version, error_correction=ERROR_CORRECTION)
    n = q.modules_count = version * 4 + 17
    q.modules = [[None] * n for _ in range(n)]
    return q


@lru_cache(maxsize=8)
def _version_layout(version: int) -> _Layout:
    q = _grid(version)
    n = q.modules_count
    q.setup_position_probe_pattern(0, 0)
    q.setup_position_probe_pattern(n - 7, 0)
    q.setup_position_probe_pattern(0, n - 7)
    q.setup_position_adjust_pattern()
    q.setup_timing_pattern()
    q.setup_type_info(True, 0)
    if version >= 7:
        q.setup_type_number(True)
    data = np.array([[cell is None for cell in row] for row in q.modules])
    blank = np.array([[bool(cell) for cell in row] for row in q.modules])
    # The path qrcode's map_data takes: two-module columns from the right, up then down,
    # skipping the vertical timing pattern.
    rows, cols, inc, row = [], [], -1, n - 1
    for col in range(n - 1, 0, -2):
        if col <= 6:
            col -= 1
        while True:
            for c in (col, col - 1):
                if data[row, c]:
                    rows.append(row)
                    cols.append(c)
            row += inc
            if row < 0 or row >= n:
                row -= inc
                inc = -inc
                break
    infos = []
    for mask in range(8):
        info = _grid(version)
        info.setup_type_info(False, mask)
        if version >= 7:
            info.setup_type_number(False)
        infos.append(info.modules)
    info_area = np.array([[cell is not None for cell in row] for row in infos[0]])
    info = np.array([[[bool(cell) for cell in row] for row in m] for m in infos])
    blocks = tuple(
        (b.data_count, b.total_count - b.data_count)
        for b in base.rs_blocks(version, ERROR_CORRECTION)
    )
    data_offsets = np.cumsum([0] + [d for d, _ in blocks])
    ec_offsets = data_offsets[-1] + np.cumsum([0] + [e for _, e in blocks])
    order = [
        data_offsets[b] + i
        for i in range(max(d for d, _ in blocks))
        for b, (d, _) in enumerate(blocks)
        if i < d
    ]
    order += [
        ec_offsets[b] + i
        for i in range(max(e for _, e in blocks))
        for b, (_, e) in enumerate(blocks)
        if i < e
    ]
    arrays = (blank, np.array(rows), np.array(cols), _mask_conditions(n) & data, info_area, info)
    for array in arrays:
        array.setflags(write=False)
    return _Layout(*arrays, blocks=blocks, order=np.array(order))


def _segments(payload: str) -> list[util.QRData]:
    """The text split into numeric, alphanumeric and byte segments, as ``QRCode.add_data``
    splits it."""
    return list(util.optimal_data_chunks(payload, minimum=20))


def _segment_bits(segment: util.QRData) -> tuple[int, int]:
    """A segment's data as (bits as an integer, number of bits)."""
    data = segment.data
    if segment.mode == util.MODE_NUMBER:
        value = length = 0
        for i in range(0, len(data), 3):
            chars = data[i : i + 3]
            bits = util.NUMBER_LENGTH[len(chars)]
            value, length = (value << bits) | int(chars), length + bits
        return value, length
    if segment.mode == util.MODE_ALPHA_NUM:
        value = length = 0
        for i in range(0, len(data), 2):
            chars = data[i : i + 2]
            if len(chars) > 1:
                pair = util.ALPHA_NUM.find(chars[0]) * 45 + util.ALPHA_NUM.find(chars[1])
                value, length = (value << 11) | pair, length + 11
            else:
                value, length = (value << 6) | util.ALPHA_NUM.find(chars), length + 6
        return value, length
    return int.from_bytes(data, "big"), 8 * len(data)


def _fit(segments: list[util.QRData], coded: list[tuple[int, int]]) -> int:
    """The smallest version that holds the data, found as ``QRCode.best_fit`` finds it."""
    start = 1
    while True:
        sizes = util.mode_sizes_for_version(start)
        needed = sum(
            4 + sizes[s.mode] + length for s, (_, length) in zip(segments, coded, strict=True)
        )
        version = bisect_left(util.BIT_LIMIT_TABLE[ERROR_CORRECTION], needed, start)
        if version == 41:
            raise exceptions.DataOverflowError()
        if sizes is util.mode_sizes_for_version(version):
            return version
        start = version


def _data_codewords(payload: str) -> tuple[int, bytes]:
    """The version and the data codewords (segments, terminator, padding) of a payload."""
    segments = _segments(payload)
    coded = [_segment_bits(s) for s in segments]
    version = _fit(segments, coded)
    value = length = 0
    for segment, (bits, count) in zip(segments, coded, strict=True):
        size = util.length_in_bits(segment.mode, version)
        value = (((value << 4 | segment.mode) << size | len(segment)) << count) | bits
        length += 4 + size + count
    limit = sum(d for d, _ in _version_layout(version).blocks) * 8
    if length > limit:
        raise exceptions.DataOverflowError(f"{length} bits > {limit}")
    pad = min(limit - length, 4)  # the terminator
    pad += -(length + pad) % 8  # to a whole codeword
    value, length = value << pad, length + pad
    fill = bytes(0xEC if i % 2 == 0 else 0x11 for i in range((limit - length) // 8))
    return version, value.to_bytes(length // 8, "big") + fill


def _codewords(layout: _Layout, data: np.ndarray) -> np.ndarray:
    """(symbols, data codewords) → (symbols, all codewords interleaved), EC included."""
    ec, start = [], 0
    for data_count, ec_count in layout.blocks:
        block = np.unpackbits(data[:, start : start + data_count], axis=1).astype(np.float32)
        bits = (block @ _ec_matrix(data_count, ec_count)).astype(np.int64) & 1
        ec.append(np.packbits(bits.astype(np.uint8), axis=1))
        start += data_count
    return np.concatenate([data, *ec], axis=1)[:, layout.order]


def _run_penalty(lines: np.ndarray, symbols: int) -> np.ndarray:
    """N1 for ``lines`` (symbols × lines per symbol, n): every run of five or more
    same-coloured modules scores its length − 2. Returns one score per symbol."""
    rows, n = lines.shape
    edges = np.ones((rows, n + 1), dtype=bool)
    edges[:, 1:n] = lines[:, 1:] != lines[:, :-1]
    where = np.flatnonzero(edges)  # run starts, plus each line's end
    lengths = np.diff(where)  # a line's end to the next line's start is a run of 1
    long = lengths >= 5
    owner = where[:-1][long] // ((n + 1) * (rows // symbols))
    return np.bincount(owner, weights=lengths[long] - 2, minlength=symbols)


def _penalties(symbols: np.ndarray) -> np.ndarray:
    """The four penalty scores summed, for each of the (count, n, n) candidate symbols."""
    count, n, _ = symbols.shape
    both = np.concatenate([symbols, symbols.transpose(0, 2, 1)], axis=1)  # rows, then columns
    n1 = _run_penalty(both.reshape(count * 2 * n, n), count).astype(np.int64)
    top, bottom = symbols[:, :-1], symbols[:, 1:]
    same = (top[:, :, :-1] == top[:, :, 1:]) & (top[:, :, :-1] == bottom[:, :, :-1])
    same &= top[:, :, :-1] == bottom[:, :, 1:]
    n2 = same.sum(axis=(1, 2)) * 3
    window = np.zeros((count, 2 * n, n - 10), dtype=np.uint16)
    for k in range(11):
        window <<= 1
        window |= both[:, :, k : n - 10 + k]
    n3 = ((window == _FINDER_LIKE[0]) | (window == _FINDER_LIKE[1])).sum(axis=(1, 2)) * 40
    percent = symbols.sum(axis=(1, 2)) / (n * n)  # float64, as qrcode computes it
    n4 = np.floor(np.abs(percent * 100 - 50) / 5).astype(np.int64) * 10
    return n1 + n2 + n3 + n4


def qr_matrices(payloads: list[str]) -> list[np.ndarray]:
    """The QR code of each payload (error correction M, smallest version, the mask the
    standard's penalty rules choose) with its quiet zone: bool arrays, True = dark. The
    symbols of one version are encoded and their masks scored together."""
    by_version = {}
    for index, payload in enumerate(payloads):
        version, data = _data_codewords(payload)
        by_version.setdefault(version, []).append((index, data))
    matrices = [None] * len(payloads)
    for version, group in by_version.items():
        layout = _version_layout(version)
        data = np.frombuffer(b"".join(d for _, d in group), dtype=np.uint8)
        bits = np.unpackbits(_codewords(layout, data.reshape(len(group), -1)), axis=1)
        count, places = len(group), len(layout.rows)
        if bits.shape[1] < places:  # remainder bits: light
            bits = np.pad(bits, ((0, 0), (0, places - bits.shape[1])))
        trials = np.repeat(layout.blank[None], count, axis=0)
        trials[:, layout.rows, layout.cols] = bits[:, :places].astype(bool)
        # Every symbol under each of the eight masks.
        candidates = trials[:, None] ^ layout.flips
        n = candidates.shape[-1]
        best = _penalties(candidates.reshape(-1, n, n)).reshape(count, 8).argmin(axis=1)
        chosen = candidates[np.arange(count), best]
        chosen = np.where(layout.info_area, layout.info[best], chosen)
        for (index, _), matrix in zip(group, chosen, strict=True):
            matrices[index] = np.pad(matrix, QUIET_ZONE)
    return matrices


def qr_matrix(payload: str) -> np.ndarray:
    return qr_matrices([payload])[0]


def png_data_uri(matrix: np.ndarray) -> str:
    """A module matrix as a grayscale PNG with one pixel per module, as a data: URI.

    Grayscale ("L"), not 1-bit: WeasyPrint takes an L PNG as it is, while a 1-bit one is
    converted to RGB and encoded again for every slip."""
    buffer = io.BytesIO()
    Image.fromarray(np.where(matrix, 0, 255).astype(np.uint8)).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def qr_png_data_uri(payload: str) -> str:
    return png_data_uri(qr_matrix(payload))
