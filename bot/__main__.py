"""``python -m bot`` is the ``vestka`` command."""

from bot.cli import main

raise SystemExit(main())
