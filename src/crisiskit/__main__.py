"""``python -m crisiskit``: the command line."""

import sys

from crisiskit.app.cli import main

sys.exit(main())
