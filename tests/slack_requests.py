"""Moved to ``sandbox.slack_requests`` (the sandbox signs its requests with it at
runtime); this name is the same module object, so every name keeps working."""

import sys

from sandbox import slack_requests as _moved

sys.modules[__name__] = _moved
