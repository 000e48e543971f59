"""Annoy index benchmark; same as ``happytalk bench index``.

Usage: python benchmarks/bench_index.py [--sizes 10000,100000,1000000] [--queries 1000] [--json]
"""

from __future__ import annotations

import sys

from bot.cli import main

if __name__ == "__main__":
    main(["bench", "index", *sys.argv[1:]], prog_name="bench_index.py")
