"""Scripts that notebook 05's pipeline runs as SageMaker jobs (shipped to the job as code, with ``requirements.txt``)."""
