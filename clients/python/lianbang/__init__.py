"""Lianbang's Python client library: join a Lianbang federation from Python.

The wire protocol is ``lianbang.v1`` (``docs/protocol.md`` in the Lianbang repository); the
generated message modules are in :mod:`lianbang.v1`.
"""

__version__ = "0.1.0"
