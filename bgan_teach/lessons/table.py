r"""The f-divergence table rendered from the rows themselves (notebook 01; `docs/math.md` §7.1).

Every entry comes from an attribute of a row of :data:`bgan_teach.divergences.DIVERGENCES` (the f-GAN
conventions of Nowozin et al. 2016, Tables 1-2): $f(u)$, $f^*(t)$, $\mathrm{dom} f^*$, the output activation
$g_f(v)$, the optimal critic $T^* = f'(p/q)$, the log weight $\log w(v) = \log (f^*)'(g_f(v))$ and the
boundary logit, the raw critic output where $w = 1$. The table in the notebook is therefore the table the
code computes with; `tests/test_lessons_01_02.py` checks each LaTeX entry against the row's methods.
"""
from __future__ import annotations

import re

from .._checks import choice
from ..divergences import DIVERGENCES, Divergence, get

__all__ = ["columns", "divergence_table", "table_row"]

_V = re.compile(r"(?<![\\A-Za-z])v(?![A-Za-z])")          # the letter v on its own, not inside a command


def _math(latex: str) -> str:
    return f"${latex}$" if latex else "—"


def columns(symbol: str = "V") -> list[str]:
    """The header cells; ``symbol`` names the raw critic output (``"V"`` as in `docs/math.md` §1, or ``"v"``)."""
    symbol = choice(symbol, ("V", "v"), "symbol")
    return ["divergence", "$f(u)$", "$f^*(t)$", r"$\mathrm{dom}\, f^*$", f"$g_f({symbol})$", "$T^* = f'(p/q)$",
            rf"$\log w({symbol})$", "boundary ($w = 1$)"]


def table_row(divergence: str | Divergence, symbol: str = "V") -> list[str]:
    """The cells of one row: the title, the LaTeX entries (each in ``$…$``), then ``V = <boundary logit>``.

    The rows write the critic output as ``v``; with ``symbol="V"`` it is written $V$ (the notebooks' notation).
    """
    div, symbol = get(divergence), choice(symbol, ("V", "v"), "symbol")
    in_v = (getattr(div, "activation_latex", ""), getattr(div, "log_weight_latex", ""))
    activation, log_weight = (_V.sub(symbol, e) for e in in_v)
    entries = (div.f_latex, div.f_star_latex, getattr(div, "domain_latex", ""), activation,
               getattr(div, "t_star_latex", ""), log_weight)
    return [div.title, *(_math(e) for e in entries), f"${symbol} = {div.boundary_logit:g}$"]


def divergence_table(names=None, symbol: str = "V") -> str:
    """The f-divergence table as Markdown, one line per row of ``names`` (default: every row, in table order).

    Show it with ``IPython.display.Markdown(divergence_table())``.
    """
    names = list(DIVERGENCES) if names is None else [get(n).name for n in names]
    if not names:
        raise ValueError("names must name at least one divergence; got an empty list")
    head = columns(symbol)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(table_row(n, symbol)) + " |" for n in names]
    return "\n".join(lines)
