"""Figures for the town: the area dashboard, its CSV and the monthly report PDF."""
