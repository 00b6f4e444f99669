"""Moved to ``sandbox.fakeslack.identity`` (the sandbox uses it at runtime); this name
is the same module object, so private names and monkeypatching keep working."""

import sys

from sandbox.fakeslack import identity as _moved

sys.modules[__name__] = _moved
