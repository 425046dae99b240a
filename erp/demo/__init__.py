"""The demo company: a mid-sized pump, valve and motor maker, generated deterministically from a seed.

``erp demo`` runs the stages in :mod:`erp.demo.stages`: each builds plain rows from its own random
generator and loads them through the service layer, so every rule of the ERP holds for the demo as for
real data. Stage 1 is the master data; later stages add history on top of it.
"""
