"""``python -m epa_kernel.cli``: the ``epa`` command without its console script (tests, bench)."""

import sys

from epa_kernel.cli import main

sys.exit(main())
