"""Compare every policy package for nghe_an at equal public budget; writes results/nghe_an/.

    .venv/bin/python experiments/compare_nghe_an.py [--replicates 20] [--workers N] [--quiet]

Interrupted? Run it again: finished runs are kept. See results/README.md for the files.
"""

import sys

from izsim.experiments.packages import main

if __name__ == "__main__":
    sys.exit(main("nghe_an"))
