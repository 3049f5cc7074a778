"""The Telegram face: the python-telegram-bot application and its handlers, texts and rendering,
polling (one poller at a time), replies under the shared send budget, alert messages and digests,
the broadcast monitor, and the admin's actions that tell chats something (take-downs, confirmed
deaths, notices to admins)."""
