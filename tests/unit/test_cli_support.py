"""The CLI's table rendering: aligned columns, times in UTC, a dash for what is not set."""

from __future__ import annotations

from connect_numbers.entrypoints._cli_support import Column, human_time, render_table


def test_columns_are_aligned_under_their_headers() -> None:
    rows = [{"id": "a", "n": 1}, {"id": "longer", "n": None}]
    assert render_table(rows, [Column("ID", "id"), Column("N", "n")]).splitlines() == [
        "ID      N",
        "a       1",
        "longer  -",
    ]


def test_times_are_utc_and_nested_values_compact_json() -> None:
    rows = [{"at": 1_798_761_600.75, "policy": {"b": [1], "a": "x"}}]
    text = render_table(rows, [Column("AT", "at", time=True), Column("POLICY", "policy")])
    assert text.splitlines()[1] == '2027-01-01 00:00:00 UTC  {"a":"x","b":[1]}'


def test_a_row_can_be_a_plain_value_and_no_rows_say_so() -> None:
    assert render_table(["x", "y"], [Column("NAME")]) == "NAME\nx\ny"
    assert render_table([], [Column("NAME"), Column("TYPE", "t")]) == "NAME  TYPE\n(none)"


def test_a_time_out_of_range_is_shown_as_given() -> None:
    assert human_time(1e20) == "1e+20"
    assert human_time(0) == "1970-01-01 00:00:00 UTC"
