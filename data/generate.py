"""Regenerate the Naxt Corp. workshop datasets, deterministically.

Usage:
    python data/generate.py            # rewrite the generated files under data/
    python data/generate.py --out DIR  # write them somewhere else (used by the tests)

Policy documents in data/policies/ are hand-written and only read, never written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from naxtgen.build import generate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate and print record counts."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=HERE, help="output directory (default: data/)")
    args = parser.parse_args(argv)
    counts = generate(args.out, HERE / "policies")
    for rel, n in counts.items():
        print(f"{n:5d}  {rel}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
