"""`python -m tui.cli`: the same as `summit`."""

import sys

from tui.cli.main import main

sys.exit(main())
