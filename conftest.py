"""pytest configuration for the whole repository: the notebook harness is tests/harness.py.

``pythonpath = ["tests"]`` (pyproject.toml) makes it importable as ``harness``; it stays out of the wheel.
"""

pytest_plugins = ["harness"]
