"""Command-line plumbing every package's ``cli`` module shares (the tool itself is ``bot.cli``)."""

from __future__ import annotations

import sys

import click

from config.settings import Settings, SettingsError, load_settings


def group(root: click.Group, name: str) -> click.Group:
    """The subgroup ``name`` of ``root`` (``train``, ``eval``, ``index``, ``bench``)."""
    cmd = root.commands[name]
    assert isinstance(cmd, click.Group)
    return cmd


def settings_or_exit() -> Settings:
    """Load settings, or print the one-paragraph explanation and exit 2."""
    try:
        return load_settings()
    except SettingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
