"""Turn blueprint entries into claims of a ledger, appending TOML text (never re-serialising the file).

Rules:

* one claim per entry that has a ``\\label`` and at least one ``\\lean`` name; ``\\mathlibok`` entries too
  (their names are then checked like any other);
* ``id`` from the label (:func:`claim_id`); ``title`` = the environment's title, else the label;
  ``source`` = ``blueprint FILE:LINE, \\label{…}``; ``statement`` = the readable statement text (the title
  when the text is empty); ``lean`` = the names; ``kind = "theorem"``; no checks;
* an id already in the ledger is skipped (and reported), as is a name that is not a Lean identifier;
* the existing ledger text is kept byte for byte: new claims are appended after it; a new ledger gets a
  header comment and a ``[ledger]`` title;
* the result must load with :func:`crosscheck.claims.load_ledger`; if it does not, nothing is written.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from crosscheck.blueprint import Blueprint, Entry

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from crosscheck.claims import ID_RE, LEAN_NAME_RE


@dataclass(frozen=True)
class ImportPlan:
    added: tuple[tuple[str, Entry], ...]  # (claim id, entry)
    skipped: tuple[tuple[str, str], ...]  # (label, why)
    text: str  # the whole new ledger text
    new_file: bool


def claim_id(label: str) -> str:
    """``thm:Main_Result`` → ``thm-main_result``: lowercase, ``:`` → ``-``, every other character outside
    ``[a-z0-9._-]`` → ``-``, runs of ``-`` collapsed, leading/trailing ``-``/``.`` dropped."""
    s = label.strip().lower().replace(":", "-")
    s = re.sub(r"[^a-z0-9._-]", "-", s)
    s = re.sub(r"-{2,}", "-", s).strip("-.")
    return s


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def claim_toml(cid: str, e: Entry) -> str:
    title = e.title or e.label
    statement = e.statement or title
    lean = ", ".join(_toml_str(n) for n in e.lean)
    source = f"blueprint {e.file}:{e.line}, " + "\\label{" + e.label + "}"
    return (
        "[[claim]]\n"
        f"id = {_toml_str(cid)}\n"
        f"title = {_toml_str(title)}\n"
        f"source = {_toml_str(source)}\n"
        f"statement = {_toml_str(statement)}\n"
        'kind = "theorem"\n'
        f"lean = [{lean}]\n"
    )


def plan_import(bp: Blueprint, existing_text: str | None, blueprint_name: str) -> ImportPlan:
    """The claims to add and the new ledger text. ``existing_text`` None means a new ledger.
    Raises ``ValueError`` when the existing text is not TOML."""
    have: set[str] = set()
    if existing_text is not None:
        try:
            data = tomllib.loads(existing_text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"the existing ledger is not valid TOML: {exc}") from None
        have = {c.get("id") for c in data.get("claim", []) if isinstance(c, dict)}
    added: list[tuple[str, Entry]] = []
    skipped: list[tuple[str, str]] = []
    for e in bp.entries:
        if not e.lean:
            continue
        cid = claim_id(e.label)
        bad = [n for n in e.lean if not LEAN_NAME_RE.match(n)]
        if not cid or not ID_RE.match(cid):
            skipped.append((e.label, f"label gives no valid claim id ({cid!r})"))
        elif bad:
            skipped.append((e.label, f"not a Lean name: {', '.join(bad)}"))
        elif cid in have:
            skipped.append((e.label, f"claim {cid!r} already in the ledger; left as it is"))
        else:
            have.add(cid)
            added.append((cid, e))
    blocks = "\n".join(claim_toml(cid, e) for cid, e in added)
    if existing_text is None:
        header = (
            f"# Claim ledger created by `crosscheck blueprint import {blueprint_name}`.\n"
            "# Each claim names the Lean declarations of one blueprint entry; add `checks` and\n"
            "# `[claim.expect]` for numerical evidence (see `crosscheck list`).\n\n"
            f"[ledger]\ntitle = {_toml_str(f'Blueprint {Path(blueprint_name).stem}')}\n\n"
        )
        text = header + blocks
    else:
        text = existing_text
        if added:
            if text and not text.endswith("\n"):
                text += "\n"
            text += f"\n# Added by `crosscheck blueprint import {blueprint_name}`.\n" + blocks
    return ImportPlan(tuple(added), tuple(skipped), text, existing_text is None)


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` via a temporary file in the same directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
