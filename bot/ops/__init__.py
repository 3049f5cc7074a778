"""What running Vestka takes, whatever the role: settings, structured logs, metrics and health,
the web side (webhook, ``/healthz``, ``/metrics``), console mode, and what every long-running role
does first and last (``runtime``)."""
