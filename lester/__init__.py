"""Lester: rewrite messy ML pipelines into verified declarative pipelines with provenance.

`import lester as lt` gives the declarative pipeline API (see `lester.abstraction`).
"""

from lester.abstraction import *  # noqa: F403
from lester.abstraction import __all__ as __all__

__version__ = "0.1.0"
