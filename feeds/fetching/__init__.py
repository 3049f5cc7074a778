"""Fetching feeds: HTTP with the SSRF guard, parsing into items with identities, public channels'
preview pages, full text, the feed list (files and the store of sources and their state) and when
to poll a feed next. Nothing here decides what an item means: that is ``feeds/watching/``."""
