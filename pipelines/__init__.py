"""Dagster orchestration of the warehouse: dbt assets, publishing, alert delivery, schedules and sensors.

`pipelines.definitions` holds the one ``Definitions`` (what `dagster dev` and `erp serve` load);
`pipelines.inprocess` runs the same assets in-process for `erp build`.
"""
