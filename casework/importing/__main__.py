"""``python -m casework.importing [PAGE]``: the column and word tables of
docs/import-format.md, made from the vocabulary file; printed, or written anew in PAGE."""
from __future__ import annotations

import argparse
from pathlib import Path

from casework.importing.columns import markdown_tables, with_tables


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m casework.importing", description=__doc__)
    parser.add_argument("page", nargs="?", type=Path,
                        help="a Markdown page whose tables to write anew, e.g. docs/import-format.md")
    page: Path | None = parser.parse_args(argv).page
    if page is None:
        print("\n\n".join(markdown_tables()))
    else:
        page.write_text(with_tables(page.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
