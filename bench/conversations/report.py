"""The crowd's figures: a table per persona, the totals, and the one RESULT line.

fields_right_pct is over the fields of completed leads (a missing lead counts in
`completed`, not twice); turns per completed lead are the visitor's messages in those
conversations; wrongful_opt_outs counts personas with any withdrawal, suppression or
erasure request they never asked for; fallbacks_per_conversation is over all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.conversations.checks import Outcome
from bench.conversations.prompts import FIELDS

_SHORT = {
    "name": "nam",
    "email": "eml",
    "company": "com",
    "role": "rol",
    "company_size": "siz",
    "use_case": "use",
    "budget": "bud",
    "timeline": "tim",
    "phone": "pho",
}


@dataclass(frozen=True)
class Totals:
    n: int
    completed: int
    fields_right_pct: float
    wrongful: int
    honoured: int
    opt_outs: int
    fallbacks_per_conversation: float
    reasked: int
    turns_per_lead: float
    errors: int

    def result_line(self) -> str:
        return (
            f"RESULT completed={self.completed}/{self.n} "
            f"fields_right_pct={self.fields_right_pct:.1f} "
            f"wrongful_opt_outs={self.wrongful} "
            f"real_opt_outs_honoured={self.honoured}/{self.opt_outs} "
            f"fallbacks_per_conversation={self.fallbacks_per_conversation:.2f} "
            f"reasked={self.reasked}"
        )


def totals(outcomes: Sequence[Outcome]) -> Totals:
    completed = [o for o in outcomes if o.completed]
    checked = sum(len(o.fields) for o in completed)
    right = sum(o.fields_right for o in completed)
    opt_outs = [o for o in outcomes if o.opt_out is not None]
    n = len(outcomes)
    return Totals(
        n=n,
        completed=len(completed),
        fields_right_pct=100.0 * right / checked if checked else 0.0,
        wrongful=sum(1 for o in outcomes if o.wrongful),
        honoured=sum(1 for o in opt_outs if o.honoured),
        opt_outs=len(opt_outs),
        fallbacks_per_conversation=sum(o.fallbacks for o in outcomes) / n if n else 0.0,
        reasked=sum(o.reasked for o in outcomes),
        turns_per_lead=sum(o.turns for o in completed) / len(completed) if completed else 0.0,
        errors=sum(1 for o in outcomes if o.error),
    )


def badness(outcome: Outcome) -> tuple[int, ...]:
    """Sorts worst first: wrongful opt-outs, a real opt-out not honoured, no lead, then
    wrong fields, fallbacks and re-asked answers."""
    return (
        -len(outcome.wrongful),
        -int(outcome.honoured is False),
        -int(not outcome.completed),
        -(len(FIELDS) - outcome.fields_right if outcome.completed else len(FIELDS)),
        -outcome.fallbacks,
        -outcome.reasked,
    )


def _fields_cell(o: Outcome) -> str:
    if not o.completed:
        return "-"
    wrong = [_SHORT[name] for name, check in o.fields.items() if not check.right]
    return f"{o.fields_right}/{len(o.fields)}" + (f" !{','.join(wrong)}" if wrong else "")


def table(outcomes: Sequence[Outcome]) -> str:
    head = f"{'persona':<26} {'lead':<5} {'fields':<22} {'turns':>5} {'fb':>3} {'re':>3} "
    head += f"{'opt-out':<12} {'wrongful':<9} ended"
    rows = [head, "-" * len(head)]
    for o in outcomes:
        opt = "-" if o.opt_out is None else f"{o.opt_out}:{'ok' if o.honoured else 'NO'}"
        rows.append(
            f"{o.key:<26} {'yes' if o.completed else 'NO':<5} {_fields_cell(o):<22} "
            f"{o.turns:>5} {o.fallbacks:>3} {o.reasked:>3} {opt:<12} "
            f"{len(o.wrongful) or '-'!s:<9} {o.ended or '?'}{' ERROR' if o.error else ''}"
        )
    return "\n".join(rows)


def details(outcomes: Sequence[Outcome]) -> str:
    """What went wrong, persona by persona: wrong fields, wrongful opt-outs, errors."""
    lines = []
    for o in outcomes:
        notes = [
            f"{name}: expected {c.expected!r}, stored {c.stored!r}"
            for name, c in o.fields.items()
            if not c.right
        ]
        notes += [f"wrongful: {w}" for w in o.wrongful]
        if o.opt_out is not None and not o.honoured:
            why = "" if o.opt_out_said else " (never said: the conversation ended first)"
            notes.append(f"opt-out ({o.opt_out}) not honoured{why}")
        if o.reasked_fields:
            notes.append(f"re-asked volunteered: {', '.join(o.reasked_fields)}")
        if o.error:
            notes.append(f"error: {o.error}")
        if notes:
            lines.append(f"{o.key}:")
            lines += [f"    {note}" for note in notes]
    return "\n".join(lines)


def worst(outcomes: Sequence[Outcome], n: int = 3) -> list[Outcome]:
    """The `n` personas with the worst outcomes (see `badness`), worst first."""
    return sorted(outcomes, key=badness)[:n]


def print_report(outcomes: Sequence[Outcome]) -> Totals:
    summary = totals(outcomes)
    print("\n" + table(outcomes), flush=True)
    print("\nWhat went wrong:\n" + (details(outcomes) or "    nothing"), flush=True)
    names = ", ".join(f"{o.key} ({o.ended or '?'})" for o in worst(outcomes))
    print(f"\nWorst outcomes: {names}", flush=True)
    print(
        f"\nTotals: {summary.completed}/{summary.n} leads completed; "
        f"{summary.fields_right_pct:.1f}% of their fields right; "
        f"{summary.wrongful} persona(s) wrongly opted out or erased; "
        f"{summary.honoured}/{summary.opt_outs} real opt-outs honoured; "
        f"{summary.fallbacks_per_conversation:.2f} fallbacks per conversation; "
        f"{summary.reasked} volunteered answers asked again; "
        f"{summary.turns_per_lead:.1f} visitor turns per completed lead; "
        f"{summary.errors} conversation(s) cut by an error.",
        flush=True,
    )
    return summary
