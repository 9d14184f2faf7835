"""Reusable widgets: a float slider, half-block images, throttled plots."""
