"""Vestka's process and its faces: the command line (``bot/cli/``), the Telegram face
(``bot/telegram/``) and what running it takes (``bot/ops/``: settings, logs, metrics, the web side,
the start and stop of every role). ``feeds/`` and ``subscriptions/`` never import ``bot/``."""
