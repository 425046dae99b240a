"""The pipeline's assets, each module with the jobs, schedules and sensors that drive them."""
