"""Atomic writes: an output file is either the old one or the complete new one, never half.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_path(d / "x.txt") as tmp:
...     _ = tmp.write_text("hello")
>>> (d / "x.txt").read_text()
'hello'
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it over ``target`` on success.

    On an exception the temporary file is removed and ``target`` is left untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=target.parent
    )
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_text(target: str | Path, text: str) -> Path:
    """Write text atomically (UTF-8) and return the path."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_frame(frame: pd.DataFrame, target: str | Path) -> Path:
    """Write a DataFrame atomically as parquet or CSV (by the target's suffix)."""
    target = Path(target)
    if frame.attrs:  # side tables (errors, unmapped labels) are written as files of their own
        frame = frame.copy(deep=False)
        frame.attrs = {}
    with atomic_path(target) as tmp:
        if target.suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        elif target.suffix == ".csv":
            frame.to_csv(tmp, index=False, encoding="utf-8")
        else:
            raise ValueError(f"unsupported output suffix {target.suffix!r}: use .parquet or .csv")
    return target
