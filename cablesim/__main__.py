"""``python -m cablesim``: the same as the ``cablesim`` command."""

import sys

from cablesim.cli import main

sys.exit(main())
