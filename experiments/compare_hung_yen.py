"""Compare every policy package for hung_yen at equal public budget; writes results/hung_yen/.

    .venv/bin/python experiments/compare_hung_yen.py [--replicates 20] [--workers N] [--quiet]

Interrupted? Run it again: finished runs are kept. See results/README.md for the files.
"""

import sys

from izsim.experiments.packages import main

if __name__ == "__main__":
    sys.exit(main("hung_yen"))
