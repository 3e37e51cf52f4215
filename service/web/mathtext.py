"""Statements (Markdown + LaTeX) as HTML with MathML, made on the server: no CDN, no script.

Math spans (`$$...$$` display, `$...$` inline) become MathML through latex2mathml; everything
else is HTML-escaped, then a small Markdown subset is applied: paragraphs, `1.` and `-` lists
(with indented continuation lines), `#` headings, `**bold**`, `*italic*` and `` `code` ``.
The LaTeX comes from our own problem statements and params, never from a student."""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert
from markupsafe import Markup

# A math span is swapped for \x00<n>\x00 while the text around it is escaped and marked up,
# so no Markdown rule ever reaches inside the LaTeX.
_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)
_SLOT = re.compile(r"\x00(\d+)\x00")
_ORDERED = re.compile(r"^\s{0,3}(\d+)[.)]\s+(.*)$")
_BULLET = re.compile(r"^\s{0,3}[-*]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,4})\s+(.*)$")


# latex2mathml reads `\end{bmatrix}^\top` as a superscript on the closing bracket alone (an
# msup of four children, drawn as a tiny matrix): a group around the environment fixes it.
_ENV_WITH_SCRIPT = re.compile(r"(\\begin\{(\w+)\}.*?\\end\{\2\})(?=\s*[\^_])", re.DOTALL)


def math_html(latex: str, display: bool = False) -> str:
    """MathML of one LaTeX span, or the LaTeX itself as code when latex2mathml refuses it."""
    try:
        grouped = _ENV_WITH_SCRIPT.sub(r"{\1}", latex.strip())
        mathml = convert(grouped, display="block" if display else "inline")
    except Exception:  # an unsupported command must not take the page down
        return f'<code class="latex">{html.escape(latex)}</code>'
    # The LaTeX as the accessible name too: a screen reader without MathML still gets it.
    return mathml.replace("<math ", f'<math alttext="{html.escape(latex.strip(), quote=True)}" ', 1)


def _inline(text: str) -> str:
    text = html.escape(text, quote=False)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text, flags=re.DOTALL)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", text, flags=re.DOTALL)
    return text


def _blocks(text: str) -> list[str]:
    out: list[str] = []
    for chunk in re.split(r"\n\s*\n", text.strip("\n")):
        lines = chunk.split("\n")
        if not chunk.strip():
            continue
        heading = _HEADING.match(lines[0])
        if heading and len(lines) == 1:
            level = min(len(heading.group(1)) + 2, 6)  # the page has h1/h2 already
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            continue
        kind = "ol" if _ORDERED.match(lines[0]) else "ul" if _BULLET.match(lines[0]) else None
        if kind is None:
            out.append(f"<p>{_inline(' '.join(l.strip() for l in lines))}</p>")
            continue
        items: list[str] = []
        for line in lines:
            item = _ORDERED.match(line) if kind == "ol" else _BULLET.match(line)
            if item:
                items.append(item.group(item.lastindex))
            elif items:
                items[-1] += " " + line.strip()  # a continuation line
        out.append(f"<{kind}>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + f"</{kind}>")
    return out


def render_statement(source: str) -> Markup:
    """A statement as safe HTML: Markdown subset + MathML."""
    spans: list[str] = []

    def keep(match: re.Match) -> str:
        display = match.group(1) is not None
        spans.append(math_html(match.group(1) if display else match.group(2), display))
        return f"\x00{len(spans) - 1}\x00"

    text = _MATH.sub(keep, source)
    body = "\n".join(_blocks(text))
    # A paragraph that is only display math is a block, not a <p> around a block.
    # It scrolls sideways on a narrow screen: focusable (tabindex) so a keyboard can scroll it too,
    # and a named region so a screen reader says what it is.
    body = re.sub(r"<p>((?:\x00\d+\x00\s*)+)</p>",
                  r'<div class="display-math" tabindex="0" role="region" aria-label="formula">\1</div>', body)
    return Markup(_SLOT.sub(lambda m: spans[int(m.group(1))], body))
