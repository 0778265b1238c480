"""The benchmark's table and its RESULT line, with each figure against its target."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Issue targets on this 2-core machine (stock Rasa measured in the same run): a number,
# or "stock" for stock Rasa's own figure.
TARGETS: dict[str, tuple[str, float | str]] = {
    "throughput_ratio_c20": (">=", 3.0),
    "p95_ms_c20": ("<=", 250.0),
    "p99_ms_c100": ("<=", "stock"),  # no worse than stock Rasa's in the same run
    "p99_over_p50_c100": ("<=", 3.0),
    "turn300_over_turn10": ("<=", 1.2),
    "start_s": ("<=", 15.0),
    "rss_mb": ("<=", 800.0),
    "retrain_s": ("<=", 30.0),
    "lost": ("<=", 0.0),
    "duplicated": ("<=", 0.0),
}


# The stages a retraining run records (bot/training), as the table names them.
RETRAIN_STAGES = (
    ("training", "training"),
    ("testing", "story gate"),
    ("loading", "loading into the Rasa server"),
)


FAIRNESS_LEVEL = 100  # p99/p50 here: how much longer the unluckiest visitors wait


def _met(name: str, value: float, stock: dict[str, float]) -> bool:
    direction, target = TARGETS[name]
    limit = stock[name] if target == "stock" else float(target)
    return value >= limit if direction == ">=" else value <= limit


def fairness(load: dict[str, Any]) -> float:
    """p99 over p50: 1 when every visitor waits alike."""
    return round(load["p99_ms"] / load["p50_ms"], 2)


def result_figures(figures: dict[str, Any]) -> dict[str, float]:
    stock, parley, storm = figures["stock"], figures["parley"], figures["storm"]
    c20, c100 = parley["load"][20], parley["load"][FAIRNESS_LEVEL]
    result = {
        "throughput_ratio_c20": round(
            c20["messages_per_s"] / stock["load"][20]["messages_per_s"], 2
        ),
        "p95_ms_c20": c20["p95_ms"],
        "p99_ms_c100": c100["p99_ms"],
        "p99_over_p50_c100": fairness(c100),
        "turn300_over_turn10": parley["long"]["ratio"],
        "start_s": parley["start_s"],
        "rss_mb": parley["rss_mb"]["rasa_after_load"],
        "retrain_s": parley["retrain"]["retrain_s"],
        "lost": float(storm["lost"]),
        "duplicated": float(storm["duplicated"]),
    }
    return result


def print_report(figures: dict[str, Any], levels: Sequence[int]) -> int:
    """Prints the figures and the RESULT line; 0 if every target measured is met."""
    stock, parley = figures["stock"], figures["parley"]
    print("\n| measure | stock Rasa | Parley | ratio |\n|---|---|---|---|")
    for level in levels:
        s, p = stock["load"][level], parley["load"][level]
        print(
            f"| messages/s at {level} concurrent | {s['messages_per_s']} | {p['messages_per_s']} "
            f"| {p['messages_per_s'] / s['messages_per_s']:.2f}× |"
        )
        for key in ("p50_ms", "p95_ms", "p99_ms"):
            print(f"| {key[:3]} at {level} concurrent (ms) | {s[key]} | {p[key]} | |")
        print(f"| p99 / p50 at {level} concurrent | {fairness(s)} | {fairness(p)} | |")
    turns = (("turn_1_10_ms", "turns 1–10 (ms)"), ("turn_290_300_ms", "turns 290–300 (ms)"))
    for key, label in turns:
        print(f"| {label} | {stock['long'][key]} | {parley['long'][key]} | |")
    print(f"| turn 300 / turn 10 | {stock['long']['ratio']} | {parley['long']['ratio']} | |")
    print(f"| start to first answer (s) | {stock['start_s']} | {parley['start_s']} | |")
    for name, rss in parley["rss_mb"].items():
        stock_rss = stock["rss_mb"].get(name, "")
        print(f"| resident memory, {name} (MB) | {stock_rss} | {rss} | |")
    retrain = parley["retrain"]
    print(f"| one-example edit to the new model answering (s) | | {retrain['retrain_s']} | |")
    for stage, label in RETRAIN_STAGES:
        print(f"| … {label} (s) | | {retrain['stages_s'].get(stage, '')} | |")
    rest = retrain["retrain_s"] - sum(retrain["stages_s"].values())
    print(f"| … the rest: starting the run's process, the first answer (s) | | {rest:.1f} | |")
    storm = figures["storm"]
    print(
        f"\nSMS storm: {storm['sms_calls']} calls, {storm['acked']} acknowledged, "
        f"ack p99 {storm['ack_p99_ms']} ms, lost {storm['lost']}, duplicated {storm['duplicated']}"
    )
    result = result_figures(figures)
    stock_p99 = {"p99_ms_c100": stock["load"][FAIRNESS_LEVEL]["p99_ms"]}
    missed = [name for name, value in result.items() if not _met(name, value, stock_p99)]
    print("Targets missed: " + (", ".join(missed) if missed else "none"))
    print("RESULT " + " ".join(f"{name}={_plain(value)}" for name, value in result.items()))
    return 1 if missed else 0


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
