"""``python -m testkit.botapi``: the fake Bot API in a process of its own (see ``process``)."""

import sys

from testkit.botapi.process import main

sys.exit(main())
