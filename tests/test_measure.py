"""Structure and sanity of supercycle.chapters.streamdq_measure (never timings)."""
import numpy as np
import pytest

from supercycle.chapters import streamdq_measure as measure


def test_pack_known_bytes():
    # low nibble first: 1 | 2 << 4 = 33; 15 | 0 << 4 = 15; 0 | 15 << 4 = 240
    p = measure.pack_int4(np.array([[1, 2, 15, 0, 0, 15]]))
    assert p.tolist() == [[33, 15, 240]]
    assert p.dtype == np.uint8


def test_unpack_inverts_pack():
    q = np.random.default_rng(1).integers(0, 16, size=(3, 10))
    assert (measure.unpack_int4(measure.pack_int4(q)) == q).all()
    with pytest.raises(ValueError):
        measure.pack_int4(np.array([[16, 0]]))
    with pytest.raises(ValueError):
        measure.pack_int4(np.array([[1, 2, 3]]))


def test_dequantize_equals_reference_unpack():
    # one row of 16 weights q = 0..15, group 8: scale 0.5 / zero 8 then scale 2 / zero 0
    q = np.arange(16).reshape(1, 16)
    scales = np.array([[0.5, 2.0]], dtype=np.float32)
    zeros = np.array([[8.0, 0.0]], dtype=np.float32)
    w = measure.dequantize(measure.pack_int4(q), scales, zeros, group=8)
    expected = np.concatenate([(np.arange(8) - 8) * 0.5, np.arange(8, 16) * 2.0])
    np.testing.assert_array_equal(w[0], expected.astype(np.float32))
    with pytest.raises(ValueError):
        measure.dequantize(measure.pack_int4(q), scales, zeros, group=6)


def test_quantize_error_within_half_a_step():
    w = np.random.default_rng(2).standard_normal((4, 256)).astype(np.float32)
    packed, scales, zeros = measure.quantize(w, 128)
    back = measure.dequantize(packed, scales, zeros, 128)
    step = np.repeat(scales, 128, axis=1)
    # rounding error at most half a step, plus the zero point's own rounding (another half)
    assert (np.abs(back - w) <= step * 1.0 + 1e-6).all()


def test_tiled_equals_separate_product():
    rng = np.random.default_rng(3)
    packed, scales, zeros = measure.quantize(rng.standard_normal((70, 256)).astype(np.float32), 128)
    x = rng.standard_normal(256).astype(np.float32)
    ref = measure.dequantize(packed, scales, zeros, 128) @ x
    np.testing.assert_allclose(measure.tiled_gemv(packed, scales, zeros, 128, x, block_rows=32), ref, rtol=1e-5, atol=1e-4)


def test_run_structure_and_sanity():
    r = measure.run(rows=64, cols=256, group=128, repeats=1, copy_mb=1)
    assert set(r.seconds) == {"copy", "gemv_fp32", "dequant", "gemv_dequantized", "tiled", "separate"}
    assert all(s > 0 for s in r.seconds.values())
    assert 0 <= r.dq_share_separate <= 1
    # packed 4-bit weights are an eighth of FP32: 64 x 256 / 2 bytes vs 64 x 256 x 4
    assert r.bytes["tiled"] < r.bytes["gemv_fp32"] / 4
    assert r.bytes["copy"] == 2 * 2**20
    # by default the copied array is as large as the FP32 weights: 64 x 256 x 4 bytes, read and written
    assert measure.run(rows=64, cols=256, repeats=1).bytes["copy"] == 2 * 64 * 256 * 4
    with pytest.raises(ValueError):
        measure.run(rows=64, cols=200, group=128, repeats=1)
    assert r.max_abs_error < 1e-3
    assert isinstance(r.machine, str) and "cores" in r.machine
    t = r.table()
    assert len(t) == 6 and (t["fraction of copy bandwidth"] > 0).all()


def test_parallel_copy_copies_everything():
    from concurrent.futures import ThreadPoolExecutor
    src = np.arange(1001, dtype=np.float64)
    dst = np.zeros_like(src)
    with ThreadPoolExecutor(3) as pool:
        measure.parallel_copy(dst, src, pool)
    np.testing.assert_array_equal(dst, src)


def test_quartiles_by_hand():
    # 1..5 inclusive quartiles: 2, 3, 4; a single value gives itself three times
    assert measure.quartiles([5, 1, 3, 2, 4]) == (2, 3, 4)
    assert measure.quartiles([7.0]) == (7.0, 7.0, 7.0)


def test_time_interleaved_warms_up_and_interleaves():
    calls = []
    fns = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    out = measure.time_interleaved(fns, repeats=3, warmup=2)
    # warm-up: a, a, b, b; then three rounds of a, b
    assert calls == ["a", "a", "b", "b"] + ["a", "b"] * 3
    assert {k: len(v) for k, v in out.items()} == {"a": 3, "b": 3}
    with pytest.raises(ValueError):
        measure.time_interleaved(fns, repeats=0)


def test_products_compared_on_identical_layout_and_quartiles_ordered():
    r = measure.run(rows=64, cols=256, group=128, repeats=3, warmup=1, copy_mb=1)
    for k in r.seconds:
        assert r.q1[k] <= r.seconds[k] <= r.q3[k]
    # the two products move the same bytes: same shape, same dtype
    assert r.bytes["gemv_fp32"] == r.bytes["gemv_dequantized"] == 64 * 256 * 4 + 256 * 4
    assert r.warmup == 1 and r.info["cores"] >= 1 and r.measured


def test_main_writes_a_file_that_loads_back(tmp_path):
    out = tmp_path / "m.json"
    assert measure.main(["--rows", "64", "--cols", "256", "--repeats", "2", "--warmup", "0", "--out", str(out)]) == 0
    r = measure.load(out)
    assert (r.rows, r.cols, r.group, r.repeats) == (64, 256, 128, 2)
    assert set(r.seconds) == set(measure.STEPS)
    assert "interleaved" in measure.load(out).to_dict()["method"]
    assert r.table()["step"].tolist() == list(measure.STEPS.values())
    # a bad shape is refused with status 2 and nothing written
    bad = tmp_path / "bad.json"
    assert measure.main(["--rows", "64", "--cols", "200", "--out", str(bad)]) == 2
    assert not bad.exists()


def test_committed_measurement_is_complete():
    r = measure.load()
    assert set(r.seconds) == set(measure.STEPS) and r.repeats >= 5 and r.warmup >= 1
    assert r.info["cpu"] and r.info["numpy"] and r.info["blas"]


def test_load_average_is_recorded_with_the_machine():
    # the 1-minute load average tells a reader whether other work shared the cores
    v = measure.load_1min()
    assert v is None or (isinstance(v, float) and v >= 0)
    assert "load_1min" in measure.machine_info()


def test_busy_and_overlap_by_hand():
    from supercycle.chapters.streamdq_measure import Result
    base = dict(rows=1, cols=1, group=1, repeats=1, machine="m", bytes={}, max_abs_error=0.0,
                seconds={"a": 1.0, "b": 1.2, "c": 2.0})
    # a: 0.9-1.1, b: 1.05-1.3 overlap (1.05 <= 1.1); c: 1.8-2.2 overlaps neither
    q1, q3 = {"a": 0.9, "b": 1.05, "c": 1.8}, {"a": 1.1, "b": 1.3, "c": 2.2}
    r = Result(**base, q1=q1, q3=q3, info={"load_1min": 14.8, "cores": 2})
    assert r.busy is True and r.ranges_overlap("a", "b") and r.ranges_overlap("b", "a")
    assert not r.ranges_overlap("a", "c") and not r.ranges_overlap("c", "b")
    assert Result(**base, info={"load_1min": 1.4, "cores": 2}).busy is False
    assert Result(**base, info={"cores": 2}).busy is None
