#!/usr/bin/env python3
"""README.rst of an addon from its ``readme/`` fragments, as OCA's oca-gen-addon-readme does: the fragments
are Markdown, read in OCA's order, each one a section of the README (DESCRIPTION opens it, without a title);
the credits come from the manifest. Fragments are plain Markdown: paragraphs and lists are copied as they
are (their syntax is RST's too), `code` becomes ``code``, [text](url) a link and ## / ### headings
sub-sections.

    scripts/readme.py [--check] [addon ...]     (default: every addon of addons/ that has a readme/)

--check writes nothing and fails when a README.rst is not the one its fragments give."""
import argparse
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (fragment, section title) in OCA's order; BENCHMARK is the suite's own, between usage and the known limits
SECTIONS = [
    ("DESCRIPTION", None),
    ("CONTEXT", "Context"),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("BENCHMARK", "Benchmark"),
    ("ROADMAP", "Known limits"),
    ("DEVELOP", "Development"),
    ("HISTORY", "Changelog"),
    ("CONTRIBUTORS", "Contributors"),
]
UNDERLINES = {1: "=", 2: "-", 3: "~"}
CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{2,3}) (.+)$")


def inline(text):
    """Markdown inline markup as RST: code spans and links (bold and italics are the same in both)."""
    parts = re.split(r"(`[^`\n]+`)", text)  # no link conversion inside code
    return "".join(CODE.sub(r"``\1``", part) if part.startswith("`") else LINK.sub(r"`\1 <\2>`_", part)
                   for part in parts)


def title(text, level):
    line = UNDERLINES[level] * len(text)
    return f"{text}\n{line}\n"


def fragment_to_rst(markdown):
    lines = []
    for line in markdown.strip("\n").splitlines():
        heading = HEADING.match(line)
        if heading:
            lines.append(title(inline(heading.group(2)), len(heading.group(1))).rstrip("\n"))
        else:
            lines.append(inline(line))
    return "\n".join(lines) + "\n"


def manifest(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text())


def readme(addon_dir):
    info = manifest(addon_dir)
    name = info["name"]
    out = ["=" * len(name), name, "=" * len(name), ""]
    fragments = {path.stem.upper(): path.read_text() for path in (addon_dir / "readme").glob("*.md")}
    unknown = set(fragments) - {key for key, _title in SECTIONS}
    if unknown:
        raise SystemExit(f"{addon_dir.name}: unknown readme fragments {sorted(unknown)}")
    for key, section in SECTIONS:
        if key not in fragments:
            continue
        if section is None:
            out += [fragment_to_rst(fragments[key]), "**Table of contents**", "", ".. contents::",
                    "   :local:", ""]
        else:
            out += [title(section, 1), fragment_to_rst(fragments[key])]
    out += [title("Credits", 1) + f"Authors: {info['author']}. License: {info['license']}.", ""]
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if a README.rst is not up to date")
    parser.add_argument("addons", nargs="*")
    args = parser.parse_args()
    names = args.addons or sorted(p.parent.name for p in (ROOT / "addons").glob("*/readme"))
    stale = []
    for name in names:
        addon_dir = ROOT / "addons" / name
        if not (addon_dir / "readme").is_dir():
            raise SystemExit(f"{name}: no readme/ directory")
        text, target = readme(addon_dir), addon_dir / "README.rst"
        if args.check:
            if not target.exists() or target.read_text() != text:
                stale.append(name)
        else:
            target.write_text(text)
            print(f"wrote addons/{name}/README.rst")
    if stale:
        sys.exit(f"README.rst not generated from readme/ (run scripts/readme.py): {', '.join(stale)}")


if __name__ == "__main__":
    main()
