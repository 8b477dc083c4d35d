"""Shared code for the Generative AI for Builders on Amazon SageMaker workshop.

The first code cell of every notebook is ``ctx = helpers.setup()``; see :mod:`helpers.context`.
The local SageMaker lives in :mod:`helpers.local`, which notebooks never import.
"""

from .context import WORKSHOP_TAG, SetupError, WorkshopContext, detect_mode, setup

__all__ = ["WORKSHOP_TAG", "SetupError", "WorkshopContext", "detect_mode", "setup"]
