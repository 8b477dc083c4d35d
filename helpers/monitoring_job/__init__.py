"""The monitoring checks script that notebook 02 runs in a SageMaker Processing job, with the modules beside it."""
