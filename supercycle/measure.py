"""A small CPU measurement of weight-only 4-bit dequantization (numpy), for the StreamDQ chapter.

It packs random 4-bit weights two to a byte with one FP32 scale and zero point per group, then
times, with `time.perf_counter` and the median of several repeats:

* ``copy``: a plain memory copy, split across the available cores with threads (numpy releases
  the GIL), of an array as large as the FP32 weights, so that it meets the same level of the
  memory hierarchy as the products (the machine's practical bandwidth limit for this size);
* ``gemv_fp32``: the matrix-vector product on unquantized FP32 weights;
* ``dequant``: unpacking and dequantizing the packed weights to FP32 (a separate pass);
* ``gemv_dequantized``: the product on the weights the pass produced;
* ``tiled``: dequantize a block of rows and multiply it at once (the CPU analogue of a fused
  kernel: the dequantized block stays in cache).

Timings vary with the machine and its load; the functions that compute are deterministic and
are what the tests check.
"""
from __future__ import annotations

import os
import platform
import statistics
import time
from dataclasses import dataclass

import numpy as np


def pack_int4(q: np.ndarray) -> np.ndarray:
    """Pack unsigned 4-bit values (0..15; last axis even) two per byte: element 2k in the low
    nibble, element 2k+1 in the high nibble."""
    q = np.asarray(q)
    if q.shape[-1] % 2:
        raise ValueError("the last axis must have an even length")
    if q.size and (q.min() < 0 or q.max() > 15):
        raise ValueError("values must be in 0..15")
    q = q.astype(np.uint8)
    return (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)


def unpack_int4(packed: np.ndarray) -> np.ndarray:
    """Inverse of `pack_int4`: uint8 values 0..15, twice as many along the last axis."""
    p = np.asarray(packed, dtype=np.uint8)
    out = np.empty(p.shape[:-1] + (p.shape[-1] * 2,), dtype=np.uint8)
    np.bitwise_and(p, 0x0F, out=out[..., 0::2])
    np.right_shift(p, 4, out=out[..., 1::2])
    return out


def dequantize(packed: np.ndarray, scales: np.ndarray, zeros: np.ndarray, group: int,
               out: np.ndarray | None = None) -> np.ndarray:
    """w = (q - zero) * scale, with one scale and zero per `group` consecutive weights of a row.

    packed: (rows, cols/2) uint8; scales, zeros: (rows, cols/group) float32."""
    rows, half = packed.shape
    cols = half * 2
    if cols % group:
        raise ValueError("cols must be a multiple of group")
    q = unpack_int4(packed).reshape(rows, cols // group, group)
    if out is None:
        out = np.empty((rows, cols), dtype=np.float32)
    o = out.reshape(rows, cols // group, group)
    np.subtract(q, zeros[:, :, None], out=o, dtype=np.float32)
    np.multiply(o, scales[:, :, None], out=o)
    return out


def quantize(w: np.ndarray, group: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Asymmetric 4-bit quantization per group (min/max): returns (packed, scales, zeros)."""
    rows, cols = w.shape
    g = w.reshape(rows, cols // group, group).astype(np.float32)
    lo, hi = g.min(axis=2), g.max(axis=2)
    scales = np.where(hi > lo, (hi - lo) / 15.0, 1.0).astype(np.float32)
    zeros = np.round(-lo / scales).astype(np.float32)
    q = np.clip(np.round(g / scales[:, :, None] + zeros[:, :, None]), 0, 15).astype(np.uint8)
    return pack_int4(q.reshape(rows, cols)), scales, zeros


def tiled_gemv(packed, scales, zeros, group, x, block_rows: int = 256) -> np.ndarray:
    """Dequantize `block_rows` rows at a time and multiply them at once (fused analogue)."""
    rows = packed.shape[0]
    y = np.empty(rows, dtype=np.float32)
    buf = np.empty((block_rows, packed.shape[1] * 2), dtype=np.float32)
    for r in range(0, rows, block_rows):
        n = min(block_rows, rows - r)
        w = dequantize(packed[r:r + n], scales[r:r + n], zeros[r:r + n], group, out=buf[:n])
        np.dot(w, x, out=y[r:r + n])
    return y


def machine() -> str:
    """The CPU model and core count, e.g. 'AMD EPYC 7B13, 2 cores (x86_64, Linux)'."""
    name = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    name = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    name = name or platform.processor() or "unknown CPU"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{name}, {cores} cores available ({platform.machine()}, {platform.system()}); numpy {np.__version__}"


def parallel_copy(dst: np.ndarray, src: np.ndarray, pool) -> None:
    """Copy src into dst in as many contiguous slices as the pool has workers."""
    n = pool._max_workers
    edges = np.linspace(0, src.size, n + 1).astype(int)
    list(pool.map(lambda k: np.copyto(dst[edges[k]:edges[k + 1]], src[edges[k]:edges[k + 1]]), range(n)))


def _median_time(fn, repeats: int) -> float:
    fn()  # warm up (page faults, caches)
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


@dataclass(frozen=True)
class Result:
    rows: int
    cols: int
    group: int
    repeats: int
    machine: str
    seconds: dict          # name -> median seconds
    bytes: dict            # name -> bytes the step must move at least
    max_abs_error: float   # |dequantized product - tiled product|, a consistency check

    @property
    def copy_gb_s(self) -> float:
        return self.bytes["copy"] / self.seconds["copy"] / 1e9

    def gb_s(self, name: str) -> float:
        return self.bytes[name] / self.seconds[name] / 1e9

    @property
    def dq_share_separate(self) -> float:
        """Share of the separate path (dequantize, then multiply) spent dequantizing."""
        d, g = self.seconds["dequant"], self.seconds["gemv_dequantized"]
        return d / (d + g)

    def table(self):
        import pandas as pd
        rows = []
        for name, label in [("copy", "memory copy, all cores (read + write)"),
                            ("gemv_fp32", "product on FP32 weights"),
                            ("dequant", "unpack + dequantize 4-bit weights (separate pass)"),
                            ("gemv_dequantized", "product on the dequantized weights"),
                            ("separate", "dequantize pass + product (total)"),
                            ("tiled", "dequantize a block, multiply it (tiled, fused analogue)")]:
            s = self.seconds[name]
            bw = self.bytes[name] / s / 1e9
            rows.append({"step": label, "ms (median)": 1e3 * s, "bytes moved (MB, minimum)": self.bytes[name] / 1e6,
                         "GB/s": bw, "fraction of copy bandwidth": bw / self.copy_gb_s})
        return pd.DataFrame(rows)


def run(rows: int = 2048, cols: int = 4096, group: int = 128, repeats: int = 5, seed: int = 0,
        copy_mb: float | None = None) -> Result:
    """Run the measurement (about a second at the defaults on a laptop-class CPU).

    `copy_mb`: size of the copied array; by default the size of the FP32 weights."""
    from concurrent.futures import ThreadPoolExecutor
    if cols % group or cols % 2:
        raise ValueError(f"cols ({cols}) must be a multiple of the group size ({group}) and even")
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((rows, cols), dtype=np.float32)
    x = rng.standard_normal(cols, dtype=np.float32)
    packed, scales, zeros = quantize(w, group)
    wq = np.empty((rows, cols), dtype=np.float32)
    dequantize(packed, scales, zeros, group, out=wq)
    n_copy = int((copy_mb * 2**20) // 8) if copy_mb else w.nbytes // 8
    src = np.ones(n_copy, dtype=np.float64)
    dst = np.empty_like(src)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    pool = ThreadPoolExecutor(max_workers=max(1, cores))
    y = np.empty(rows, dtype=np.float32)

    sec = {
        "copy": _median_time(lambda: parallel_copy(dst, src, pool), repeats),
        "gemv_fp32": _median_time(lambda: np.dot(w, x, out=y), repeats),
        "dequant": _median_time(lambda: dequantize(packed, scales, zeros, group, out=wq), repeats),
        "gemv_dequantized": _median_time(lambda: np.dot(wq, x, out=y), repeats),
        "tiled": _median_time(lambda: tiled_gemv(packed, scales, zeros, group, x), repeats),
    }
    pool.shutdown()
    sec["separate"] = sec["dequant"] + sec["gemv_dequantized"]
    meta = scales.nbytes + zeros.nbytes
    nbytes = {
        "copy": src.nbytes + dst.nbytes,
        "gemv_fp32": w.nbytes + x.nbytes,
        "dequant": packed.nbytes + meta + wq.nbytes,       # read packed, write FP32
        "gemv_dequantized": wq.nbytes + x.nbytes,
        "separate": packed.nbytes + meta + 2 * wq.nbytes + x.nbytes,
        "tiled": packed.nbytes + meta + x.nbytes,            # only the packed weights need to move
    }
    err = float(np.max(np.abs(np.dot(wq, x) - tiled_gemv(packed, scales, zeros, group, x))))
    return Result(rows, cols, group, repeats, machine(), sec, nbytes, err)
