"""The GAN settings schema: which settings each run ignores (the form greys them out)."""

from core.gan.config import GanConfig
from core.gan.settings import unused_settings


def test_each_objective_uses_only_its_own_knob():
    assert {"clip", "gp_lambda", "unroll"} <= unused_settings(GanConfig(objective="nonsat"))
    assert "clip" not in unused_settings(GanConfig(objective="wgan"))
    assert "gp_lambda" not in unused_settings(GanConfig(objective="wgan-gp"))
    assert "clip" in unused_settings(GanConfig(objective="wgan-gp"))  # the penalty replaces clipping
    assert "unroll" not in unused_settings(GanConfig(objective="unrolled"))


def test_mse_has_no_discriminator_settings():
    assert {"lr_d", "d_steps", "dropout"} <= unused_settings(GanConfig(objective="mse"))
    assert not {"lr_d", "d_steps", "dropout", "lr_g"} & unused_settings(GanConfig(objective="nonsat"))


def test_only_real_data_sets_use_a_folder_and_only_images_have_labels():
    assert "data_dir" in unused_settings(GanConfig(data="glyphs"))
    assert "data_dir" not in unused_settings(GanConfig(data="mnist"))
    assert {"data_dir", "conditional"} <= unused_settings(GanConfig(data="ring8"))
    assert "conditional" not in unused_settings(GanConfig(data="glyphs"))
