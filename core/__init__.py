"""The science of gan-tui: pure Python, numpy and torch, no terminal code."""
