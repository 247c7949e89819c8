"""Print the Odoo modules (outside this repository) that the given addons depend on."""
import ast
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
ours = {p.parent.name: p for base in ("addons", "tests") for p in (root / base).glob("*/__manifest__.py")}
todo, seen, deps = sys.argv[2].split(","), set(), set()
while todo:
    name = todo.pop()
    if name in seen:
        continue
    seen.add(name)
    if name not in ours:
        deps.add(name)
        continue
    todo.extend(ast.literal_eval(ours[name].read_text()).get("depends", []))
print(",".join(sorted(deps)))
