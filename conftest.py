"""pytest configuration for the whole repository: the notebook harness lives in helpers/harness.py."""

pytest_plugins = ["helpers.harness"]
