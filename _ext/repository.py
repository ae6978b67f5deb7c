"""Launch buttons that never lead nowhere: the repository comes from the checkout's git remote.

The Binder, Colab and live-code buttons and the repository icon need the book's public home.
This extension reads it from `git remote get-url origin` when that is a public host (GitHub or
GitLab, over https or ssh), and otherwise leaves those buttons out of every page: a clone on a
laptop, or a CI checkout, has no public home, so its pages offer nothing that would fail.
`repository.url` in _config.yml names the canonical home, which the chapters' Colab cells
install lib/ from (tests/test_notebooks.py checks they agree).
"""

import re
import subprocess

PUBLIC = re.compile(r"^(?:https://|ssh://git@|git@)(github\.com|gitlab\.com)[/:]([\w.-]+/[\w.-]+?)(?:\.git)?/?$")


def public_url(remote):
    """https://host/owner/repo for a GitHub or GitLab remote (https or ssh), else None."""
    match = PUBLIC.match((remote or "").strip())
    return f"https://{match.group(1)}/{match.group(2)}" if match else None


def git_remote(srcdir):
    try:
        out = subprocess.run(["git", "remote", "get-url", "origin"], cwd=srcdir, capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def set_buttons(app, config):
    options = dict(config.html_theme_options)
    url = public_url(git_remote(app.srcdir))
    if url:
        options["repository_url"] = url
    else:
        options.pop("repository_url", None)
        options["use_repository_button"] = False
        options["launch_buttons"] = {}
        config.use_thebe = False
    config.html_theme_options = options


def setup(app):
    app.connect("config-inited", set_buttons, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
