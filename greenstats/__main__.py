"""``python -m greenstats``: the same as the ``greenstats`` console script."""

from greenstats.cli import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
