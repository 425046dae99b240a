"""The demo company: a mid-sized pump, valve and motor maker, generated deterministically from a seed.

``erp demo`` runs the stages in :mod:`erp.demo.stages`: each builds its rows from its own random generator
and loads them through the service layer, so every rule of the ERP holds for the demo as for real data.
Stage 1 is the master data; the later ones simulate two years of operations on top of it (see
:mod:`erp.demo.operations`) and leave the open documents, budgets and forecasts of the as-of date.
"""
