"""The ../shared files the tests read: a failure in CI when missing, a skip naming the file elsewhere."""

import pytest

from tests.shared_files import shared_file


def test_a_missing_shared_file_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no-such-set.jsonl"):
        shared_file("eval/no-such-set.jsonl")


def test_a_missing_shared_file_is_skipped_with_its_name_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-set.jsonl"):
        shared_file("eval/no-such-set.jsonl")


def test_an_override_names_the_variable(monkeypatch, tmp_path):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("SOME_EVAL_FILE", str(tmp_path / "missing.jsonl"))
    with pytest.raises(pytest.skip.Exception, match="SOME_EVAL_FILE"):
        shared_file("eval/dev.jsonl", override="SOME_EVAL_FILE")
    (tmp_path / "missing.jsonl").write_text("{}\n")
    assert shared_file("eval/dev.jsonl", override="SOME_EVAL_FILE") == tmp_path / "missing.jsonl"
