"""The service layer: every write of the ERP goes through a function here (see ``base.action``)."""
