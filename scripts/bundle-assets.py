#!/usr/bin/env python3
"""Writes Sources/Terminal/BundledAssets.swift: the themes and keymaps of this checkout
as string literals, so an installed apogee (copied anywhere, no checkout beside it) has
them built in. Run it after changing a file in themes/ or keymaps/; a test
(BundledAssetsTests) fails until it is run."""
import os

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
lines = [
    "// Written by scripts/bundle-assets.py from themes/ and keymaps/: do not edit by hand.",
    "",
    "/// The checkout's themes and keymaps, built in: the last place `Assets` looks.",
    "public enum BundledAssets {",
]
for folder in ["themes", "keymaps"]:
    lines.append(f"    public static let {folder}: [String: String] = [")
    for name in sorted(os.listdir(os.path.join(root, folder))):
        if not name.endswith(".toml"):
            continue
        text = open(os.path.join(root, folder, name), encoding="utf-8").read()
        assert '"""#' not in text
        lines.append(f'        "{name[:-5]}": #"""')
        # The closing delimiter at column 0, so the text keeps its own indentation; a
        # file ending in a newline gets the empty line that keeps it.
        lines.extend(text.split("\n"))
        lines.append('"""#,')
    lines.append("    ]")
lines.append("}")
open(os.path.join(root, "Sources/Terminal/BundledAssets.swift"), "w", encoding="utf-8").write("\n".join(lines) + "\n")
