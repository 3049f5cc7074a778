"""The mention engine: text and a compiled registry in, mentions out. Pure: no I/O."""
