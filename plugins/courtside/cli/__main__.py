"""`python -m courtside.cli` (for `python -X importtime`)."""

import sys

from . import main

sys.exit(main())
