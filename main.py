"""Entry point: `python main.py COMMAND` (see `python main.py --help`)."""

import sys

from automation.cli import main

if __name__ == "__main__":
    sys.exit(main())
