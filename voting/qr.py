"""QR codes for printed slips, fast enough for a county session's 400 code slips.

The ``qrcode`` package encodes the data; what made 400 slips slow (about 5 ms a symbol, 2 s in
all) is how it picks the mask: it lays the symbol out eight times in Python and scores each
layout with the standard's four penalty rules (ISO/IEC 18004 §7.8.3), also in Python. Here the
data is laid out once, the eight masks are applied and scored together with numpy, and the
symbol is finished with the winning mask: the same rules, scored the way ``qrcode`` scores them
(its trial layout leaves the format information light), so the module matrix is identical to
``qrcode``'s, module for module (tests/voting/test_pdf_slips_speedless.py checks this).
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

import numpy as np
import qrcode
import qrcode.constants
from PIL import Image

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


@lru_cache(maxsize=8)
def _version_layout(version: int) -> tuple[np.ndarray, np.ndarray]:
    """For one version: the masks restricted to the data modules, shape (8, n, n), and the
    mask-0 flips alone (to undo them)."""
    q = qrcode.QRCode(version=version, error_correction=ERROR_CORRECTION)
    n = q.modules_count = version * 4 + 17
    q.modules = [[None] * n for _ in range(n)]
    q.setup_position_probe_pattern(0, 0)
    q.setup_position_probe_pattern(n - 7, 0)
    q.setup_position_probe_pattern(0, n - 7)
    q.setup_position_adjust_pattern()
    q.setup_timing_pattern()
    q.setup_type_info(True, 0)
    if version >= 7:
        q.setup_type_number(True)
    data = np.array([[cell is None for cell in row] for row in q.modules])
    flips = _mask_conditions(n) & data
    flips.setflags(write=False)
    return flips, flips[0]


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
    masks of all symbols of one version are scored together."""
    coded, by_version = [], {}
    for payload in payloads:
        q = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=0)
        q.add_data(payload)
        q.best_fit()
        q.makeImpl(True, 0)  # the data laid out once, under mask 0, format information light
        coded.append(q)
        by_version.setdefault(q.version, []).append(q)
    for version, group in by_version.items():
        flips, mask0 = _version_layout(version)
        trials = np.array([q.modules for q in group], dtype=bool)
        # The unmasked data of every symbol under each of the eight masks.
        candidates = (trials ^ mask0)[:, None] ^ flips
        n = candidates.shape[-1]
        scores = _penalties(candidates.reshape(-1, n, n)).reshape(len(group), 8)
        for q, options, best in zip(group, candidates, scores.argmin(axis=1), strict=True):
            q.modules = options[best].tolist()
            q.setup_type_info(False, int(best))  # the real format information, the dark module
            if version >= 7:
                q.setup_type_number(False)
    return [np.pad(np.array(q.modules, dtype=bool), QUIET_ZONE) for q in coded]


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
