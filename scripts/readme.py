"""Write each addon's README.rst from its readme/*.md fragments, as OCA's readme generator does.

    python scripts/readme.py                 every addon of addons/ that has a readme/ folder
    python scripts/readme.py crm_strategy    these addons only
    python scripts/readme.py --check         write nothing; fail when a README.rst is not what its fragments give

The fragments are read in OCA's order. DESCRIPTION.md opens the README: its text before its first heading
stands above the table of contents, its sections below it. Every other fragment is a section under OCA's
title for it (USAGE.md: "Usage"...), unless it opens with a heading of its own; a ``# Heading`` inside a
fragment starts a further section, ``## Heading`` a subsection. The Credits come from the manifest
(author, license), then CONTRIBUTORS.md and CREDITS.md.

The Markdown is the little the READMEs need, turned into reStructuredText line by line: headings,
paragraphs, ``*`` and ``-`` lists, numbered lists, ``code``, fenced blocks (a paragraph that ends with
a colon introduces the block, as ``::`` does in reStructuredText) and pipe tables (a simple table).
"""
import ast
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADDONS = ROOT / "addons"

# (fragment, section title); DESCRIPTION has none, and the credits' fragments are subsections of Credits
FRAGMENTS = [
    ("DESCRIPTION", None),
    ("CONTEXT", "Use Cases / Context"),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("BENCHMARK", "Benchmark"),  # the suite's own: measured figures, between usage and the known issues
    ("ROADMAP", "Known issues / Roadmap"),
    ("DEVELOP", "Development"),
    ("HISTORY", "Changelog"),
]
CREDITS = [("CONTRIBUTORS", "Contributors"), ("CREDITS", "Other credits")]
UNDERLINES = {1: "=", 2: "-", 3: "~"}
HEADING = re.compile(r"^(#{1,3}) (.+)$")
NUMBERED = re.compile(r"^(\s*)\d+\. ")
CODE = re.compile(r"(?<!`)`([^`]+)`(?!`)")
FENCE = "```"
TABLE_RULE = re.compile(r"^\|(\s*:?-+:?\s*\|)+$")
LITERAL_INDENT = "  "


def heading(title, level):
    return [title, UNDERLINES[level] * len(title), ""]


def inline(line):
    """Markdown's `code` is reStructuredText's ``code``; emphasis and strong are written alike."""
    return CODE.sub(r"``\1``", NUMBERED.sub(r"\1#. ", line))


def literal_marker(lines):
    """A fenced block opens a literal block: its paragraph's colon doubles, or a bare ``::`` stands alone."""
    text = [index for index, line in enumerate(lines) if line.strip()]
    if text and lines[text[-1]].endswith(":"):
        lines[text[-1]] += ":"
        return [""]
    return ["", "::", ""]


def cells(line):
    return [inline(cell.strip()) for cell in line.strip().strip("|").split("|")]


def table(rows):
    """A simple reStructuredText table of Markdown table rows (a header, its rule, the body)."""
    header, body = cells(rows[0]), [cells(row) for row in rows[2:]]
    widths = [max(len(row[column]) for row in [header, *body]) for column in range(len(header))]
    rule = "  ".join("=" * width for width in widths)

    def line(row):
        return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()

    return ["", rule, line(header), rule, *map(line, body), rule, ""]


def convert(markdown, shift=0):
    """reStructuredText lines of a Markdown fragment; ``shift`` lowers every heading by that many levels."""
    lines, literal, rows = [], False, []
    source = markdown.splitlines()
    for index, line in enumerate(source):
        if line.startswith("|") and not literal:
            rows.append(line)
            if index + 1 == len(source) or not source[index + 1].startswith("|"):
                if len(rows) < 2 or not TABLE_RULE.match(rows[1].strip()):
                    sys.exit(f"not a Markdown table: {rows[0]}")
                lines += table(rows)
                rows = []
            continue
        if line.strip() == FENCE:
            if not literal:
                lines += literal_marker(lines)
            literal = not literal
            continue
        if literal:
            lines.append(LITERAL_INDENT + line if line else "")
            continue
        match = HEADING.match(line)
        if match:
            lines += heading(match[2], len(match[1]) + shift)[:2]
            continue
        lines.append(inline(line))
    return lines


def tidy(lines):
    """One blank line between blocks, none at either end."""
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines).strip("\n"))
    return text.split("\n")


def lead_and_sections(markdown):
    """The text of a fragment before its first heading, and the rest."""
    match = re.search(r"^#{1,3} ", markdown, re.MULTILINE)
    if not match:
        return markdown, ""
    return markdown[:match.start()], markdown[match.start():]


def readme(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    fragments = {path.stem: path.read_text() for path in (addon / "readme").glob("*.md")}
    name = manifest["name"]
    out = ["=" * len(name), name, "=" * len(name), ""]
    lead, sections = lead_and_sections(fragments.get("DESCRIPTION", ""))
    out += [*convert(lead), "", "**Table of contents**", "", ".. contents::", "   :local:", ""]
    out += [*convert(sections), ""]
    for fragment, title in FRAGMENTS[1:]:
        if fragment not in fragments:
            continue
        text = fragments[fragment]
        if not text.lstrip().startswith("#"):
            out += heading(title, 1)
        out += [*convert(text), ""]
    out += heading("Credits", 1)
    out += [f"Authors: {manifest.get('author', '')}. License: {manifest.get('license', '')}.", ""]
    for fragment, title in CREDITS:
        if fragment in fragments:
            out += [*heading(title, 2), *convert(fragments[fragment], shift=1), ""]
    return "\n".join(tidy(out)) + "\n"


def main(args):
    check = "--check" in args
    names = [arg for arg in args if not arg.startswith("--")]
    addons = [ADDONS / name for name in names] if names else sorted(p.parent for p in ADDONS.glob("*/readme"))
    stale = []
    for addon in addons:
        if not (addon / "readme").is_dir():
            sys.exit(f"{addon.name} has no readme/ folder")
        target, text = addon / "README.rst", readme(addon)
        if target.exists() and target.read_text() == text:
            continue
        stale.append(target.relative_to(ROOT))
        if not check:
            target.write_text(text)
    for path in stale:
        print(f"{'stale' if check else 'written'}: {path}")
    invalid = [addon for addon in addons if not valid_rst(addon / "README.rst")]
    return 1 if (check and stale) or invalid else 0


def valid_rst(path):
    """Odoo renders README.rst as the app's description: docutils' warnings would be logged at every install."""
    try:
        import docutils.core  # Odoo's dependency, absent from a bare Python
    except ImportError:
        return True
    messages = io.StringIO()
    docutils.core.publish_string(path.read_text(), writer_name="null",
                                 settings_overrides={"warning_stream": messages, "report_level": 2})
    if messages.getvalue():
        print(f"invalid reStructuredText in {path.relative_to(ROOT)}:\n{messages.getvalue()}")
    return not messages.getvalue()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
