"""``python -m crisiskit``: the command line."""

import sys

from crisiskit.cli import main

sys.exit(main())
