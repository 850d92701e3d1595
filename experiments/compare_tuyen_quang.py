"""Compare every policy package for tuyen_quang at equal public budget; writes results/tuyen_quang/.

    .venv/bin/python experiments/compare_tuyen_quang.py [--replicates 20] [--workers N] [--quiet]

Interrupted? Run it again: finished runs are kept. See results/README.md for the files.
"""

import sys

from izsim.experiments.packages import main

if __name__ == "__main__":
    sys.exit(main("tuyen_quang"))
