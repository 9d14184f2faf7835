"""Data files of gan-tui (styles, presets, help): found through tui.assets, never imported for code."""
