"""Import time of greenstats against ``import pandas``, measured in the same run.

Goal (issue 2): ``import greenstats`` at most 1.3x ``import pandas``. Prints the medians of
fresh-interpreter imports and their ratio; also the cost of touching a public reader name,
which loads pandas and the reader.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

REPEAT = 7


def _time(code: str) -> float:
    runs = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    base = _time("pass")
    pandas = _time("import pandas") - base
    gs = _time("import greenstats") - base
    gs_reader = _time("import greenstats; greenstats.read_yearbook") - base
    print(f"interpreter start-up          {base * 1000:8.1f} ms (subtracted)")
    print(f"import pandas                 {pandas * 1000:8.1f} ms")
    print(
        f"import greenstats             {gs * 1000:8.1f} ms  ratio {gs / pandas:5.2f}x (goal <= 1.3x)"
    )
    print(
        f"greenstats + read_yearbook    {gs_reader * 1000:8.1f} ms  ratio {gs_reader / pandas:5.2f}x"
    )


if __name__ == "__main__":
    main()
