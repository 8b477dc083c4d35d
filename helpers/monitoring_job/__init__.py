"""The monitoring checks script that notebook 02 runs in a SageMaker Processing job."""
