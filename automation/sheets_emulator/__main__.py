"""`python -m automation.sheets_emulator --help`"""

import sys

from automation.sheets_emulator.server import main

sys.exit(main())
