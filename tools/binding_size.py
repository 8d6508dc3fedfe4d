#!/usr/bin/env python3
"""Size of the bindings per file: lines, code lines and entry points (issue 13).

    tools/binding_size.py                 # the working tree
    tools/binding_size.py --rev 24869a3   # a commit
    tools/binding_size.py --compare 24869a3   # before (the commit) / after (the working tree)

Files: src/c_api/*.{cpp,hpp} and python/crmkit/*.py. Lines are physical lines; code lines
leave out blank lines and lines that are only a comment. Entry points: for a C file the
exported functions it defines (`CRMKIT_API ... crmkit_x(`, and those a macro of
src/c_api/c_api_internal.hpp defines by pasting `handle##_suffix`, counted through the
macro's definition); for a Python file its public top-level functions and classes and the
public methods of its public classes. Reads files as text; builds nothing.
"""
from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
C_DIR, PY_DIR = "src/c_api", "python/crmkit"
C_INTERNAL = f"{C_DIR}/c_api_internal.hpp"


def read_tree(rev: str | None) -> dict[str, str]:
    """path -> text of every binding file, in the working tree or at `rev`."""
    if rev is None:
        paths = sorted(p.relative_to(ROOT).as_posix() for d in (C_DIR, PY_DIR) for p in (ROOT / d).iterdir()
                       if p.suffix in (".cpp", ".hpp", ".py"))
        return {p: (ROOT / p).read_text(encoding="utf-8") for p in paths}
    names = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", rev, f"{C_DIR}/", f"{PY_DIR}/"],
                           check=True, capture_output=True, text=True).stdout.split()
    return {p: subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{p}"], check=True, capture_output=True,
                              text=True).stdout
            for p in sorted(names) if p.endswith((".cpp", ".hpp", ".py"))}


_DEFINE = re.compile(r"^#define\s+(\w+)\(([^)]*)\)((?:.*\\\n)*.*)$", re.M)
_C_DEF = re.compile(r"^CRMKIT_API\b[^;{]*?\b(crmkit_\w+)\s*\(", re.M)


def c_macros(internal: str) -> dict[str, tuple[list[str], str]]:
    """The function-like macros of c_api_internal.hpp: name -> (parameters, body)."""
    return {m[1]: ([p.strip() for p in m[2].split(",")], m[3]) for m in _DEFINE.finditer(internal)}


def macro_entry_points(name: str, args: list[str], macros: dict, depth: int = 0) -> list[str]:
    """The crmkit_* functions that an invocation NAME(args) defines (through nested macros too)."""
    params, body = macros[name]
    bind = dict(zip(params, args))
    found = [bind.get(m[1], m[1]) + m[2] for m in re.finditer(r"CRMKIT_API\b[^;{]*?\b(\w+)\s*##\s*(\w+)\s*\(", body)]
    if depth < 4:
        for inner in macros:
            for m in re.finditer(rf"\b{inner}\(([^()]*)\)", body):
                if inner != name:
                    found += macro_entry_points(inner, [bind.get(a.strip(), a.strip()) for a in m[1].split(",")],
                                                macros, depth + 1)
    return found


def split_arguments(text: str) -> list[str]:
    """The comma-separated arguments of a macro invocation, commas inside parentheses kept."""
    args, depth, current = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            args.append(current.strip())
            current = ""
            continue
        depth += (ch == "(") - (ch == ")")
        current += ch
    return args + [current.strip()]


def c_entry_points(text: str, macros: dict) -> int:
    names = set(_C_DEF.findall(text))
    for name in macros:
        for m in re.finditer(rf"^{name}\((.*)\)\s*$", text, re.M):
            names.update(macro_entry_points(name, split_arguments(m[1]), macros))
    return len(names)


def py_entry_points(text: str) -> int:
    n = 0
    for node in ast.parse(text).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            n += 1
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            n += 1 + sum(isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and not f.name.startswith("_")
                         for f in node.body)
    return n


def code_lines(text: str, python: bool) -> int:
    comment = "#" if python else "//"
    return sum(1 for line in text.splitlines() if line.strip() and not line.strip().startswith(comment))


def measure(rev: str | None) -> dict[str, tuple[int, int, int]]:
    """path -> (lines, code lines, entry points)."""
    files = read_tree(rev)
    macros = c_macros(files.get(C_INTERNAL, ""))
    out = {}
    for path, text in files.items():
        python = path.endswith(".py")
        entries = py_entry_points(text) if python else c_entry_points(text, macros)
        out[path] = (len(text.splitlines()), code_lines(text, python), entries)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--rev", help="measure this commit instead of the working tree")
    g.add_argument("--compare", metavar="REV", help="before (REV) and after (the working tree)")
    a = ap.parse_args(argv)
    if a.compare is None:
        rows = measure(a.rev)
        print("| file | lines | code | entry points |\n|---|---:|---:|---:|")
        for group in (C_DIR, PY_DIR):
            part = {p: v for p, v in rows.items() if p.startswith(group)}
            for p, (lines, code, entries) in part.items():
                print(f"| {p} | {lines} | {code} | {entries} |")
            tot = [sum(v[i] for v in part.values()) for i in range(3)]
            print(f"| **{group}** | **{tot[0]}** | **{tot[1]}** | **{tot[2]}** |")
        return 0
    before, after = measure(a.compare), measure(None)
    print(f"| file | lines {a.compare} | lines now | change | entry points {a.compare} | now |")
    print("|---|---:|---:|---:|---:|---:|")
    for group in (C_DIR, PY_DIR):
        paths = sorted(p for p in set(before) | set(after) if p.startswith(group))
        for p in paths:
            b, n = before.get(p, (0, 0, 0)), after.get(p, (0, 0, 0))
            print(f"| {p} | {b[0]} | {n[0]} | {n[0] - b[0]:+d} | {b[2]} | {n[2]} |")
        tb = [sum(before.get(p, (0, 0, 0))[i] for p in paths) for i in range(3)]
        tn = [sum(after.get(p, (0, 0, 0))[i] for p in paths) for i in range(3)]
        print(f"| **{group}** | **{tb[0]}** | **{tn[0]}** | **{tn[0] - tb[0]:+d}** | **{tb[2]}** | **{tn[2]}** |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
