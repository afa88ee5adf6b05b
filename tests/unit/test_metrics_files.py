"""The metrics files' directory: made or taken from the environment, emptied at start."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connect_numbers.entrypoints.metrics_files import metrics_directory

ENV = "PROMETHEUS_MULTIPROC_DIR"


def test_a_given_directory_is_emptied_of_metrics_files_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "counter_123.db").write_text("old counts")
    (tmp_path / "notes.txt").write_text("not ours")
    monkeypatch.setenv(ENV, str(tmp_path))
    for only_if_set in (False, True):
        with metrics_directory(only_if_set=only_if_set) as folder:
            assert folder == tmp_path
            assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert tmp_path.is_dir()


def test_without_one_a_private_directory_lives_as_long_as_the_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENV, raising=False)
    with metrics_directory() as folder:
        assert folder is not None and folder.is_dir()
        assert os.environ[ENV] == str(folder)
    assert not folder.exists()
    assert ENV not in os.environ


def test_a_single_process_without_one_keeps_its_metrics_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENV, raising=False)
    with metrics_directory(only_if_set=True) as folder:
        assert folder is None
