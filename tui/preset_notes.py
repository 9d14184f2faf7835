"""What a lab says when a preset is loaded: a one-line note, and the preset's explanation for the help screen.

A preset's description runs to several lines; a toast that long covers the charts and the tabs, so the
toast only names the preset and the help screen (?) explains it.
"""

from __future__ import annotations

from tui.presets import Preset


def preset_toast(preset: Preset) -> str:
    return f"{preset.title} · ? explains it" if preset.description else preset.title


def preset_help(preset: Preset | None) -> str:
    """Markdown for the top of the help screen: the last preset loaded and what it shows."""
    if preset is None:
        return ""
    return f"## Last preset loaded: {preset.title}\n\n{preset.description}".rstrip()
