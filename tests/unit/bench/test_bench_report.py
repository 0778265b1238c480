"""The benchmark's RESULT line and table, retraining included."""

from __future__ import annotations

from typing import Any

import pytest

from bench.report import print_report, result_figures


def figures(retrain_s: float, p99_ms_c100: float = 1200.0) -> dict[str, Any]:
    load = {"messages_per_s": 10.0, "p50_ms": 50, "p95_ms": 200, "p99_ms": 300}
    c100 = {"messages_per_s": 10.0, "p50_ms": 1000, "p95_ms": 1100, "p99_ms": p99_ms_c100}
    stock_c100 = {"messages_per_s": 9.0, "p50_ms": 1000, "p95_ms": 3000, "p99_ms": 4000}
    long = {"turn_1_10_ms": 40, "turn_290_300_ms": 44, "ratio": 1.1}
    return {
        "stock": {
            "load": {20: {**load, "messages_per_s": 2.5}, 100: stock_c100},
            "long": long,
            "start_s": 9.0,
            "rss_mb": {"rasa": 500.0},
        },
        "parley": {
            "load": {20: load, 100: c100},
            "long": long,
            "start_s": 12.0,
            "rss_mb": {"rasa": 600.0, "rasa_after_load": 700.0},
            "retrain": {
                "retrain_s": retrain_s,
                "stages_s": {"training": 10.0, "testing": 8.0, "loading": 6.5},
            },
        },
        "storm": {
            "sms_calls": "210",
            "acked": "210",
            "ack_p99_ms": "115.2",
            "lost": "0",
            "duplicated": "0",
        },
    }


def test_retrain_s_comes_between_rss_mb_and_lost() -> None:
    assert list(result_figures(figures(28.0))) == [
        "throughput_ratio_c20",
        "p95_ms_c20",
        "p99_ms_c100",
        "p99_over_p50_c100",
        "turn300_over_turn10",
        "start_s",
        "rss_mb",
        "retrain_s",
        "lost",
        "duplicated",
    ]


def test_the_table_has_the_stages_and_a_slow_retraining_misses_its_target(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert print_report(figures(28.0), [20, 100]) == 0
    out = capsys.readouterr().out
    assert "| p99 / p50 at 100 concurrent | 4.0 | 1.2 | |" in out
    assert "| one-example edit to the new model answering (s) | | 28.0 | |" in out
    assert "| … training (s) | | 10.0 | |" in out
    assert "| … story gate (s) | | 8.0 | |" in out
    assert "| … loading into the Rasa server (s) | | 6.5 | |" in out
    assert "| … the rest: starting the run's process, the first answer (s) | | 3.5 | |" in out
    assert (
        "RESULT throughput_ratio_c20=4 p95_ms_c20=200 p99_ms_c100=1200 p99_over_p50_c100=1.2 "
        "turn300_over_turn10=1.1 start_s=12 "
        "rss_mb=700 retrain_s=28 lost=0 duplicated=0"
    ) in out

    assert print_report(figures(150.5), [20, 100]) == 1
    out = capsys.readouterr().out
    assert "Targets missed: retrain_s" in out
    assert " retrain_s=150.5 " in out


def test_a_p99_at_100_worse_than_stock_rasas_misses_both_targets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert print_report(figures(28.0, p99_ms_c100=4500.0), [20, 100]) == 1
    assert "Targets missed: p99_ms_c100, p99_over_p50_c100" in capsys.readouterr().out
