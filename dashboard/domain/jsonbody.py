"""Reading a JSON request body that a stranger wrote: bounded, strict, one error type.

``load(data)`` returns the document or raises ``InvalidJson`` saying what is
wrong. It refuses, before or instead of building anything:

- nesting deeper than ``MAX_DEPTH`` (Pantau's documents are two levels deep;
  10,000 levels would exhaust the parser's recursion and answer 500);
- bytes that are not UTF-8 (RFC 8259 §8.1), and a byte-order mark;
- a key sent twice in one object (which value was meant is a guess);
- ``NaN``, ``Infinity`` and ``-Infinity``, which are not JSON;
- anything else the standard parser refuses (syntax, integers of thousands of digits).
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 16

# A JSON string (the unrolled-loop form: linear, no backtracking), then anything
# that is not a bracket: what is left is the document's bracket skeleton.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")


class InvalidJson(ValueError):
    """The body cannot be read as a JSON document; the message says why (Indonesian, English)."""


def too_deep(text: str, max_depth: int = MAX_DEPTH) -> bool:
    """Whether the brackets of ``text`` nest deeper than ``max_depth``.

    Peels the innermost empty pairs off the bracket skeleton, at most
    ``max_depth`` times: a bounded amount of work whatever the input.
    Unbalanced brackets are left for the parser to refuse.
    """
    skeleton = _NOT_BRACKET.sub("", _STRING.sub("", text))
    for _ in range(max_depth):
        if not skeleton:
            return False
        peeled = _INNERMOST.sub("", skeleton)
        if peeled == skeleton:
            return False  # unbalanced: a syntax error, not depth
        skeleton = peeled
    return bool(skeleton) and _INNERMOST.search(skeleton) is not None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            shown = key if len(key) <= 40 else key[:40] + "…"
            raise InvalidJson(f"kolom {shown!r} dikirim dua kali (duplicate key)")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise InvalidJson(f"{name} bukan angka JSON (not a JSON number)")


def load(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON document in ``data``; ``InvalidJson`` naming the problem otherwise."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidJson("body bukan UTF-8 (body is not UTF-8)") from None
    else:
        text = data
    if too_deep(text, max_depth):
        raise InvalidJson(
            f"bersarang lebih dari {max_depth} tingkat (nested deeper than {max_depth} levels)"
        )
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except InvalidJson:
        raise
    except RecursionError:
        # Unbalanced brackets thousands deep: the parser recursed before seeing the end.
        raise InvalidJson(
            f"bersarang lebih dari {max_depth} tingkat (nested deeper than {max_depth} levels)"
        ) from None
    except ValueError as exc:
        raise InvalidJson(f"bukan JSON yang sah (malformed JSON): {str(exc)[:120]}") from None
