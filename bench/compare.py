"""Print each figure of a sized benchmark run next to the same line's figure at the base size.

Usage: compare.py BASE_LABEL BASE_LOG SIZE_LABEL SIZE_LOG. A figure is the first number after the colon of a
printed line when the unit ``s`` follows it, keyed by the text before the colon, numbers in it masked (so a new
line of a benchmark is compared without changing this script); ``peak RSS ...: N MB`` lines are compared too.
Near-linear scaling means a ratio close to the ratio of the sizes (issue 22: at most 12x for 10x the data), and
the Odoo process stays under 2 GB.
"""
import re
import sys

FIGURE = re.compile(r"^\s*(?P<key>[^:]+?):\s[^\d]*?(?P<value>\d+(?:\.\d+)?) (?P<unit>s|MB)\b")
MAX_RATIO = 12.0
MAX_RSS_MB = 2048


def figures(path):
    found = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            match = FIGURE.match(line)
            key = match and re.sub(r"\d[\d_,]*", "#", match["key"])  # "CLV fit (100000 customers)": one key
            if match and key not in found:
                found[key] = (float(match["value"]), match["unit"])
    return found


def main(base_label, base_log, size_label, size_log):
    base, size = figures(base_log), figures(size_log)
    width = max((len(key) for key in size), default=10)
    print(f"{'figure'.ljust(width)}  {base_label:>10}  {size_label:>10}  ratio")
    for key, (value, unit) in size.items():
        if unit == "MB":
            verdict = "ok" if value < MAX_RSS_MB else "OVER 2 GB"
            before = f"{base[key][0]:.0f} MB" if key in base else "-"
            print(f"{key.ljust(width)}  {before:>10}  {value:>7.0f} MB  ({verdict})")
            continue
        if key not in base:
            print(f"{key.ljust(width)}  {'-':>10}  {value:>8.2f} s")
            continue
        ratio = value / base[key][0] if base[key][0] else float("inf")
        verdict = "" if ratio <= MAX_RATIO else f"  (over {MAX_RATIO:.0f}x)"
        print(f"{key.ljust(width)}  {base[key][0]:>8.2f} s  {value:>8.2f} s  {ratio:5.1f}x{verdict}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
