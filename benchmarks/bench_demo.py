"""Benchmark: generating the demo borough (target: under 10 s on a 2-core machine).

Times ``hotspot.demo.write_demo`` end to end, its in-memory generation alone, and,
as a peer in the same run, pandas writing the same offence rows to CSV (the floor
for the file-writing part). Prints seconds and ratios.

    python benchmarks/bench_demo.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from hotspot.demo import DEFAULT_SEED, generate, write_demo

TARGET_SECONDS = 10.0


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        runs = iter(range(10_000))
        full = _best(
            lambda: write_demo(Path(tmp) / f"d{next(runs)}", seed=DEFAULT_SEED), args.repeat
        )
        gen = _best(lambda: generate(DEFAULT_SEED), args.repeat)
        data = generate(DEFAULT_SEED)
        rows = [r for m in data.offences.months for r in data.offences.rows[m]]
        frame = pd.DataFrame(rows)
        peer = _best(lambda: frame.to_csv(Path(tmp) / "peer.csv", index=False), args.repeat)

    print(f"offence rows: {len(rows):,} in {len(data.offences.months)} monthly files")
    print(
        f"write_demo (generate + write every file): {full:6.2f} s  ({full / TARGET_SECONDS:.0%} of the 10 s target)"
    )
    print(f"generate (in memory):                     {gen:6.2f} s")
    print(f"peer: pandas.to_csv of the same rows:     {peer:6.2f} s")
    print(f"writing share of write_demo vs peer:      {(full - gen) / peer:6.2f}x")


if __name__ == "__main__":
    main()
