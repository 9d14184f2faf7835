"""The discriminator's heat map behind 2-D samples: the right pixel for each point, D's output per objective."""

import pytest
import torch
from torch import nn

from core.gan.config import GanConfig
from core.gan.data import load_data
from core.gan.grids import scatter_plot
from core.gan.heatmap import discriminator_map, heat_picture, pixel_centres
from core.gan.scatter_colours import D_FAKE, D_REAL
from core.gan.trainer import Trainer


def test_each_pixel_centre_lands_on_its_own_pixel_of_the_scatter_plot():
    extent, size = 2.5, 12
    centres = pixel_centres(extent, size)
    assert centres[0].tolist() == pytest.approx([-extent + extent / size, extent - extent / size])  # top left
    for index in (0, 5, size + 3, size * size - 1):
        picture = scatter_plot(centres[index:index + 1], torch.empty(0, 2), extent, size)
        lit = torch.nonzero(picture.sum(0)).tolist()
        assert lit == [[index // size, index % size]]


def x_detector() -> nn.Module:
    """D(x, y) = 4x: calls the right half of the plane real."""
    d = nn.Linear(2, 1)
    with torch.no_grad():
        d.weight.copy_(torch.tensor([[4.0, 0.0]]))
        d.bias.zero_()
    return d


def test_the_map_is_ds_probability_for_cross_entropy_objectives():
    heat = discriminator_map(x_detector(), "nonsat", extent=1.0, size=4)
    x = pixel_centres(1.0, 4)[:, 0].view(4, 4)
    assert torch.allclose(heat, torch.sigmoid(4 * x))
    assert (heat[:, :2] < 0.5).all() and (heat[:, 2:] > 0.5).all()


def test_lsgan_output_is_clipped_and_critic_scores_are_rescaled_to_the_plot():
    lsgan = discriminator_map(x_detector(), "lsgan", extent=1.0, size=4)
    assert lsgan[:, 0].eq(0).all() and lsgan[:, -1].eq(1).all()          # 4x = -3.5 and 3.5, clipped
    critic = discriminator_map(x_detector(), "wgan", extent=1.0, size=4)
    assert critic[0].tolist() == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0])  # lowest score 0, highest 1


def test_heat_runs_from_the_fake_colour_to_the_real_colour():
    picture = heat_picture(torch.tensor([[0.0, 1.0]]))
    assert picture[:, 0, 0].tolist() == pytest.approx(D_FAKE)
    assert picture[:, 0, 1].tolist() == pytest.approx(D_REAL)


def test_a_2d_sample_picture_shows_d_behind_the_samples_and_leaves_training_untouched():
    trainer = Trainer(GanConfig(data="ring8", batch=32, hidden=16, z_dim=2, dropout=0.3, max_steps=1, device="cpu"),
                      load_data("ring8", size=500))
    rng = torch.get_rng_state()
    _, first = trainer.sample()
    _, second = trainer.sample()
    assert torch.equal(first, second) and torch.equal(torch.get_rng_state(), rng)  # no dropout draws
    assert trainer.discriminator.training
    assert first.min(dim=0).values.min() > 0  # no black left: the heat map fills the background
