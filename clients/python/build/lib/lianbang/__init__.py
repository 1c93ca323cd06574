"""Lianbang's Python client library: join a Lianbang federation from Python.

The wire protocol is ``lianbang.v1`` (``docs/protocol.md`` in the Lianbang repository); the
generated message modules are in :mod:`lianbang.v1`. Subclass :class:`Client` and call
:func:`start_client`.
"""

from .client import Client, Summary, TaskInfo, start_client
from .errors import (FederationError, RefusedError, SessionReplacedError, TlsCertificateError,
                     UnreachableError)

__version__ = "0.1.0"

__all__ = ["Client", "Summary", "TaskInfo", "start_client", "FederationError", "RefusedError",
           "SessionReplacedError", "TlsCertificateError", "UnreachableError"]
