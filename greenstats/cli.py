"""The ``greenstats`` command line. It holds the path defaults; the library takes paths.

Examples
--------
``greenstats run`` runs the main job on ``data/raw`` and prints where the HTML index is;
``greenstats read FILE.xls -o tidy.csv`` reads one workbook; ``greenstats ledger FILE.xls``
accounts for every non-empty cell; ``greenstats targets`` lists the plan's targets.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from greenstats import __version__
from greenstats.errors import GreenstatsError

DEFAULT_RAW = "data/raw"
DEFAULT_PROCESSED = "data/processed"
DEFAULT_REPORTS = "reports"
DEFAULT_NOTEBOOKS = ("notebooks/scorecard.ipynb", "notebooks/data-quality.ipynb")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="greenstats",
        description=(
            "Read Chinese statistical-yearbook tables into tidy indicator tables and judge "
            "Lianyungang's green-industry targets with honest uncertainty."
        ),
        epilog="Each command has its own --help, e.g. `greenstats run --help`.",
    )
    p.add_argument("--version", action="version", version=f"greenstats {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    r = sub.add_parser(
        "run",
        help="the main job: read data/raw, build the panel, assess the targets, write HTML",
        description="Read every workbook in RAW, write tidy tables, the panel and the "
        "scorecard to PROCESSED, run the report notebook(s) with papermill into HTML in "
        "REPORTS, and print the path of the report index.",
    )
    r.add_argument("--raw", default=DEFAULT_RAW, help=f"input folder (default {DEFAULT_RAW})")
    r.add_argument(
        "--processed",
        default=DEFAULT_PROCESSED,
        help=f"output folder for tables (default {DEFAULT_PROCESSED})",
    )
    r.add_argument(
        "--reports",
        default=DEFAULT_REPORTS,
        help=f"output folder for HTML (default {DEFAULT_REPORTS})",
    )
    r.add_argument(
        "--notebook",
        action="append",
        default=None,
        help=f"report notebook to execute (repeatable; default {', '.join(DEFAULT_NOTEBOOKS)})",
    )
    r.add_argument(
        "--overrides", default=None, help="YAML with Jiangsu's provincial target numbers"
    )
    r.add_argument(
        "--jobs", type=int, default=1, help="processes for reading workbooks (default 1)"
    )
    r.add_argument("--no-html", action="store_true", help="write tables only, skip the notebooks")

    rd = sub.add_parser("read", help="read one workbook into the tidy indicator table")
    rd.add_argument("path", help="workbook (.xls, .xlsx, CNKI download, HTML or CSV saved as .xls)")
    rd.add_argument("--sheet", default=None, help="only this sheet")
    rd.add_argument("--region", default=None, help="region, where the table lacks one")
    rd.add_argument("--year", type=int, default=None, help="year, where the table lacks one")
    rd.add_argument("--recipe", default=None, help="YAML recipe overriding layout detection")
    rd.add_argument(
        "--skip-bad-sheets",
        action="store_true",
        help="skip (with a warning) a sheet whose table cannot be understood, read the rest",
    )
    rd.add_argument(
        "-o", "--output", default=None, help="write .csv or .parquet instead of printing"
    )

    lg = sub.add_parser("ledger", help="every non-empty cell of a workbook with its role")
    lg.add_argument("path")
    lg.add_argument("--sheet", default=None)
    lg.add_argument(
        "-o", "--output", default=None, help="write .csv or .parquet instead of printing"
    )

    tg = sub.add_parser("targets", help="the plan's targets as a table")
    tg.add_argument("--overrides", default=None, help="YAML with Jiangsu's provincial numbers")
    tg.add_argument(
        "-o", "--output", default=None, help="write .csv or .parquet instead of printing"
    )

    ind = sub.add_parser("indicators", help="the indicator catalogue")
    ind.add_argument(
        "-o", "--output", default=None, help="write .csv or .parquet instead of printing"
    )
    return p


def _emit(frame, output: str | None) -> None:
    from greenstats.io.write import write_frame

    if output:
        path = write_frame(frame, output)
        print(f"wrote {len(frame)} rows to {path}")
    else:
        import pandas as pd

        with pd.option_context("display.max_rows", 60, "display.width", 200):
            print(frame.to_string(max_rows=60))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 failure, 2 usage or data error)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        if args.command == "run":
            from greenstats.pipeline import run

            notebooks = [] if args.no_html else (args.notebook or list(DEFAULT_NOTEBOOKS))
            index = run(
                Path(args.raw),
                Path(args.processed),
                Path(args.reports),
                notebooks=[Path(n) for n in notebooks],
                overrides=args.overrides,
                jobs=args.jobs,
            )
            print(f"report index: {Path(index).resolve()}")
        elif args.command == "read":
            from greenstats.reader import read_yearbook

            frame = read_yearbook(
                args.path,
                sheet=args.sheet,
                region=args.region,
                year=args.year,
                recipe=args.recipe,
                errors="collect" if args.skip_bad_sheets else "raise",
            )
            _emit(frame, args.output)
        elif args.command == "ledger":
            from greenstats.reader import cell_ledger

            _emit(cell_ledger(args.path, sheet=args.sheet), args.output)
        elif args.command == "targets":
            from greenstats.targets import load_targets

            _emit(load_targets(args.overrides), args.output)
        elif args.command == "indicators":
            from greenstats.indicators import load_indicators

            _emit(load_indicators(), args.output)
    except GreenstatsError as exc:
        print(f"greenstats: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
