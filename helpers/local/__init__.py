"""The local SageMaker: a moto server extended where moto falls short, with local engines behind endpoints.

Run it with ``python -m helpers.local serve|start|status|stop``. Notebooks never import this package;
``helpers.setup()`` starts it when needed.
"""
