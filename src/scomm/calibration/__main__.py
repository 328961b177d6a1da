"""``python -m scomm.calibration [options]`` = ``scomm calibrate [options]``."""

import sys

from scomm.cli import main

if __name__ == "__main__":
    sys.argv = ["scomm", "calibrate", *sys.argv[1:]]
    main()
