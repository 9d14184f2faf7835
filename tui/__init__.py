"""The Textual app of gan-tui: it draws the labs and forwards input to core/."""
