"""The test kit: tools that tests (``tests/``) and benchmarks (``bench/``) share. Importing it needs
no pytest; the pytest fixtures built on it live in ``tests/conftest.py``.

- ``testkit.botapi``: the fake Telegram Bot API (in this process, or ``python -m testkit.botapi``)
- ``testkit.feedserver``: a programmable local feed server
- ``testkit.rss``: feed documents (``Item``, ``rss``, ``numbered``)
- ``testkit.waiting``: wait on a condition with a deadline, never on luck
- ``testkit.namegen``: generated Belarusian names (``generate_people``) for mention tests and benches
- ``testkit.watcher``: a watcher on a test's Redis and the local feed server; its alerts
- ``testkit.sending``: a sender pointed at a fake Bot API; deliveries, queue and counter reads
- ``testkit.harness``: the real bot (long polling) against the fake Bot API, talked to like a user
- ``testkit.roles``: ``python -m bot ROLE`` subprocesses, HTTP probes, a throwaway ``redis-server``
"""
