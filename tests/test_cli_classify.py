"""`gan-tui classify`: trains and saves an evaluator, prints the JSON contract, exits 2 on bad input."""

import json

import pytest

from core.gan.classifier import load_classifier
from tui.cli import main


def test_json_contract_and_a_loadable_file(capsys, tmp_path):
    out = tmp_path / "mine.pt"
    assert main(["classify", "--data", "glyphs", "--size", "2000", "--epochs", "1", "--out", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"data", "accuracy", "path"}
    assert data["data"] == "glyphs" and data["path"] == str(out)
    # 2,000 glyphs for one epoch, measured 0.87 on the 10,000 test glyphs: well above chance, below target
    assert 0.5 < data["accuracy"] <= 1.0
    assert load_classifier("glyphs", out).accuracy == data["accuracy"]


def test_without_out_it_saves_into_the_cache_and_reports_in_words(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert main(["classify", "--data", "glyphs", "--size", "1000", "--epochs", "1"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    expected = tmp_path / "gan-tui" / "classifiers" / "glyphs.pt"
    assert expected.is_file() and str(expected) in printed
    assert "on 10,000 held-out images" in printed and "the 98% target (1,000 training images, 1 epoch," in printed


@pytest.mark.parametrize(("argv", "message"), [
    (["--data", "ring8"], "--data: no classifier for 'ring8'; choose one of glyphs, mnist, fashion-mnist, cifar10"),
    (["--data", "mnist"], "--data-dir: mnist is read from a folder"),
    (["--data", "glyphs", "--size", "10", "--epochs", "0"], "--epochs: must be a whole number from 1 to 1000"),
    (["--data", "glyphs", "--size", "0"], "--size: must be a whole number >= 1"),
    (["--data", "glyphs", "--device", "tpu"], "--device: 'tpu' is not one of auto, cpu, cuda, mps"),
    (["--data", "glyphs", "--epochs", "many"], "argument --epochs: invalid int value: 'many'"),
])
def test_bad_values_exit_2_with_a_message(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["classify", *argv])
    assert exit_info.value.code == 2
    assert f"gan-tui classify: error: {message}" in " ".join(capsys.readouterr().err.split())


def test_an_unwritable_out_path_exits_2_before_training(capsys, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(SystemExit) as exit_info:
        main(["classify", "--data", "glyphs", "--out", str(blocker / "c.pt")])
    assert exit_info.value.code == 2
    assert f"--out: cannot write the classifier to {blocker / 'c.pt'}" in " ".join(capsys.readouterr().err.split())
    with pytest.raises(SystemExit):
        main(["classify", "--data", "glyphs", "--out", str(tmp_path)])
    assert f"--out: cannot write the classifier to {tmp_path}: it is a folder" in capsys.readouterr().err
