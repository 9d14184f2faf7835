"""Exports a user opens elsewhere: the PNG has the grid's exact pixels, the CSV the logged metrics."""

import csv

import numpy as np

from core.gan.export import save_png, write_metrics_csv
from core.gan.watch import read_png


def test_the_png_holds_the_exact_pixels(tmp_path):
    image = np.random.default_rng(0).integers(0, 256, (10, 6, 3), dtype=np.uint8)
    path = save_png(image, tmp_path / "grid.png")
    assert np.array_equal(read_png(path), image)


def test_the_csv_has_a_header_and_one_row_per_record(tmp_path):
    records = [
        {"step": 10, "epoch": 0.1, "time": 0.5, "d_loss": 1.3, "g_loss": 0.7, "d_real": 0.5, "d_fake": 0.4,
         "images_per_s": 1280.0},
        {"step": 20, "epoch": 0.2, "time": 1.0, "d_loss": None, "g_loss": 0.6, "d_real": None, "d_fake": None,
         "images_per_s": 1300.0},
    ]
    path = write_metrics_csv(records, tmp_path / "metrics.csv")
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    assert list(rows[0]) == ["step", "epoch", "time", "d_loss", "g_loss", "d_real", "d_fake", "images_per_s"]
    assert rows[0]["d_loss"] == "1.3" and rows[1]["step"] == "20" and rows[1]["d_loss"] == ""
