"""A small CPU measurement of weight-only 4-bit dequantization (numpy), for the StreamDQ chapter.

The measurement is data, not a notebook output: `python -m supercycle measure` (or
`python -m supercycle measure`) runs it and writes `data/measurements/streamdq_cpu.json` with the
machine, the method and the results; the chapter only reads that file, so re-running the chapter
is deterministic and the measurement is refreshed on purpose.

It packs random 4-bit weights two to a byte with one FP32 scale and zero point per group, then
times the steps below with `time.perf_counter`. Method: every step first runs `warmup` times
(page faults, caches, BLAS thread start-up); then `repeats` rounds are timed, each round running
every step once in turn (interleaved, so a change in machine load hits all steps alike); each step
is reported as the median and interquartile range of its rounds. Both products use the same shape
and memory layout (C-contiguous float32, rows x cols) and the same input vector:

* ``copy``: a plain memory copy, split across the available cores with threads (numpy releases
  the GIL), of an array as large as the FP32 weights, so that it meets the same level of the
  memory hierarchy as the products (the machine's practical bandwidth limit for this size);
* ``gemv_fp32``: the matrix-vector product on unquantized FP32 weights;
* ``dequant``: unpacking and dequantizing the packed weights to FP32 (a separate pass);
* ``gemv_dequantized``: the product on the weights the pass produced;
* ``tiled``: dequantize a block of rows and multiply it at once (meant as the CPU analogue of a
  fused kernel: the dequantized block stays in cache). In numpy each block still runs the same
  whole-array passes, plus per-block call overhead, so it need not be faster than the separate
  path; it is not a model of a fused GPU kernel.

Timings vary with the machine and its load; the functions that compute are deterministic and
are what the tests check (on tiny shapes).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

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


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (Linux), else platform.processor()."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def blas() -> str:
    """numpy's BLAS as its build reports it, e.g. 'scipy-openblas 0.3.31'."""
    try:
        cfg = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{cfg.get('name', '?')} {cfg.get('version', '')}".strip()
    except Exception:  # older numpy, or no such entry
        return "unknown"


def load_1min() -> float | None:
    """The 1-minute load average (runnable processes), or None where the OS has none. Recorded with
    the measurement because a load above the core count means other work shared the cores and the
    memory bus, so absolute times and bandwidths then measure contention, not the hardware."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def machine_info() -> dict:
    return {"cpu": cpu_model(), "cores": cores(), "arch": platform.machine(), "os": platform.system(),
            "python": platform.python_version(), "numpy": np.__version__, "blas": blas(),
            "load_1min": load_1min()}


def machine() -> str:
    """The CPU model and core count, e.g. 'AMD EPYC 7B13, 2 cores available (x86_64, Linux); numpy 2.4'."""
    m = machine_info()
    return f"{m['cpu']}, {m['cores']} cores available ({m['arch']}, {m['os']}); numpy {m['numpy']}, BLAS {m['blas']}"


def parallel_copy(dst: np.ndarray, src: np.ndarray, pool) -> None:
    """Copy src into dst in as many contiguous slices as the pool has workers."""
    n = pool._max_workers
    edges = np.linspace(0, src.size, n + 1).astype(int)
    list(pool.map(lambda k: np.copyto(dst[edges[k]:edges[k + 1]], src[edges[k]:edges[k + 1]]), range(n)))


def quartiles(xs) -> tuple[float, float, float]:
    """(first quartile, median, third quartile), inclusive method; one value gives it three times."""
    xs = sorted(xs)
    if len(xs) == 1:
        return xs[0], xs[0], xs[0]
    q1, q2, q3 = statistics.quantiles(xs, n=4, method="inclusive")
    return q1, q2, q3


def time_interleaved(fns: dict, repeats: int, warmup: int = 2) -> dict[str, list[float]]:
    """Seconds per call of each function: `warmup` untimed calls each, then `repeats` rounds in
    which every function runs once, in order."""
    if repeats < 1 or warmup < 0:
        raise ValueError("repeats must be at least 1 and warmup at least 0")
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    out = {k: [] for k in fns}
    for _ in range(repeats):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            out[k].append(time.perf_counter() - t0)
    return out


STEPS = {
    "copy": "memory copy, all cores (read + write)",
    "gemv_fp32": "product on FP32 weights",
    "dequant": "unpack + dequantize 4-bit weights (separate pass)",
    "gemv_dequantized": "product on the dequantized weights",
    "separate": "dequantize pass + product (total)",
    "tiled": "dequantize a block, multiply it (tiled, fused analogue)",
}


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
    q1: dict = field(default_factory=dict)   # name -> first-quartile seconds
    q3: dict = field(default_factory=dict)   # name -> third-quartile seconds
    warmup: int = 0
    info: dict = field(default_factory=dict)  # machine_info()
    measured: str = ""     # UTC date of the measurement

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

    @property
    def busy(self) -> bool | None:
        """Whether other work shared the machine: a 1-minute load average above the core count
        (None if the load was not recorded)."""
        load, n = self.info.get("load_1min"), self.info.get("cores")
        return None if load is None or not n else load > n

    def ranges_overlap(self, a: str, b: str) -> bool:
        """Whether the interquartile ranges of two steps overlap."""
        return self.q1.get(a, self.seconds[a]) <= self.q3.get(b, self.seconds[b]) and \
            self.q1.get(b, self.seconds[b]) <= self.q3.get(a, self.seconds[a])

    def table(self):
        import pandas as pd
        rows = []
        for name, label in STEPS.items():
            s = self.seconds[name]
            bw = self.bytes[name] / s / 1e9
            q1, q3 = self.q1.get(name, s), self.q3.get(name, s)
            rows.append({"step": label, "ms (median)": 1e3 * s, "ms (interquartile range)": f"{1e3 * q1:.3g}–{1e3 * q3:.3g}",
                         "bytes moved (MB, minimum)": self.bytes[name] / 1e6,
                         "GB/s": bw, "fraction of copy bandwidth": bw / self.copy_gb_s})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        return {
            "measured": self.measured,
            "machine": self.info or {"description": self.machine},
            "method": METHOD.format(repeats=self.repeats, warmup=self.warmup),
            "shape": {"rows": self.rows, "cols": self.cols, "group": self.group,
                      "repeats": self.repeats, "warmup": self.warmup},
            "max_abs_error": self.max_abs_error,
            "steps": {k: {"label": STEPS[k], "median_s": self.seconds[k], "q1_s": self.q1.get(k, self.seconds[k]),
                          "q3_s": self.q3.get(k, self.seconds[k]), "bytes": self.bytes[k]} for k in STEPS},
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Result":
        st, sh = d["steps"], d["shape"]
        info = d.get("machine", {})
        desc = (f"{info['cpu']}, {info['cores']} cores available ({info['arch']}, {info['os']}); "
                f"numpy {info['numpy']}, BLAS {info['blas']}") if "cpu" in info else info.get("description", "")
        return cls(rows=sh["rows"], cols=sh["cols"], group=sh["group"], repeats=sh["repeats"], machine=desc,
                   seconds={k: v["median_s"] for k, v in st.items()}, bytes={k: v["bytes"] for k, v in st.items()},
                   max_abs_error=d["max_abs_error"], q1={k: v["q1_s"] for k, v in st.items()},
                   q3={k: v["q3_s"] for k, v in st.items()}, warmup=sh.get("warmup", 0), info=info,
                   measured=d.get("measured", ""))


METHOD = ("numpy on the CPU; random float32 weights quantized to 4 bits (two per byte) with one float32 scale and "
          "zero point per group; every step run {warmup} times untimed (warm-up), then {repeats} timed rounds in "
          "which every step runs once in turn (interleaved); median and interquartile range of the rounds; both "
          "products on C-contiguous float32 matrices of the same shape with the same input vector; the copy moves "
          "an array as large as the FP32 weights, split across all cores; time.perf_counter.")


def run(rows: int = 2048, cols: int = 4096, group: int = 128, repeats: int = 21, seed: int = 0,
        copy_mb: float | None = None, warmup: int = 3) -> Result:
    """Run the measurement (a few seconds at the defaults on a laptop-class CPU).

    `copy_mb`: size of the copied array; by default the size of the FP32 weights."""
    from concurrent.futures import ThreadPoolExecutor
    from datetime import datetime, timezone
    if cols % group or cols % 2:
        raise ValueError(f"cols ({cols}) must be a multiple of the group size ({group}) and even")
    rng = np.random.default_rng(seed)
    w = np.ascontiguousarray(rng.standard_normal((rows, cols), dtype=np.float32))
    x = rng.standard_normal(cols, dtype=np.float32)
    packed, scales, zeros = quantize(w, group)
    wq = np.empty_like(w)  # same shape, dtype and layout as w
    dequantize(packed, scales, zeros, group, out=wq)
    assert wq.shape == w.shape and wq.dtype == w.dtype and wq.flags.c_contiguous and w.flags.c_contiguous
    n_copy = int((copy_mb * 2**20) // 8) if copy_mb else w.nbytes // 8
    src = np.ones(n_copy, dtype=np.float64)
    dst = np.zeros_like(src)  # touched before timing
    pool = ThreadPoolExecutor(max_workers=max(1, cores()))
    y = np.empty(rows, dtype=np.float32)
    fns = {
        "copy": lambda: parallel_copy(dst, src, pool),
        "gemv_fp32": lambda: np.dot(w, x, out=y),
        "dequant": lambda: dequantize(packed, scales, zeros, group, out=wq),
        "gemv_dequantized": lambda: np.dot(wq, x, out=y),
        "tiled": lambda: tiled_gemv(packed, scales, zeros, group, x),
    }
    try:
        raw = time_interleaved(fns, repeats, warmup)
    finally:
        pool.shutdown()
    raw["separate"] = [a + b for a, b in zip(raw["dequant"], raw["gemv_dequantized"])]
    qs = {k: quartiles(v) for k, v in raw.items()}
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
    return Result(rows, cols, group, repeats, machine(), {k: q[1] for k, q in qs.items()}, nbytes, err,
                  q1={k: q[0] for k, q in qs.items()}, q3={k: q[2] for k, q in qs.items()}, warmup=warmup,
                  info=machine_info(), measured=datetime.now(timezone.utc).strftime("%Y-%m-%d"))


from supercycle import ROOT  # noqa: E402  (the project root)
DEFAULT_OUT = ROOT / "data" / "measurements" / "streamdq_cpu.json"


def save(result: Result, path: Path | str = DEFAULT_OUT) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load(path: Path | str = DEFAULT_OUT) -> Result:
    """The committed measurement, as a Result (what the chapter reads)."""
    return Result.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def main(argv: list[str] | None = None) -> int:
    """`python -m supercycle measure [--rows R --cols C --group G --repeats N --warmup W --out PATH]`:
    run the measurement and write it as JSON (default data/measurements/streamdq_cpu.json)."""
    ap = argparse.ArgumentParser(prog="python -m supercycle measure", description=main.__doc__.split(":")[0])
    ap.add_argument("--rows", type=int, default=2048)
    ap.add_argument("--cols", type=int, default=4096)
    ap.add_argument("--group", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=21)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    a = ap.parse_args(argv)
    try:
        res = run(rows=a.rows, cols=a.cols, group=a.group, repeats=a.repeats, warmup=a.warmup, seed=a.seed)
    except ValueError as e:
        print(f"measure: {e}", file=sys.stderr)
        return 2
    out = save(res, a.out)
    print(f"wrote {out}: {res.machine}; separate path {res.dq_share_separate:.0%} dequantization; "
          f"FP32 product {1e3 * res.seconds['gemv_fp32']:.3g} ms, dequantized product {1e3 * res.seconds['gemv_dequantized']:.3g} ms (medians)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
