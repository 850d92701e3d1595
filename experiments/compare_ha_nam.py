"""Compare every policy package for ha_nam at equal public budget; writes results/ha_nam/.

    .venv/bin/python experiments/compare_ha_nam.py [--replicates 20] [--workers N] [--quiet]

Interrupted? Run it again: finished runs are kept. See results/README.md for the files.
"""

import sys

from izsim.experiments.packages import main

if __name__ == "__main__":
    sys.exit(main("ha_nam"))
