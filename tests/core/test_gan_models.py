"""Generators and discriminators: shapes, output ranges, conditioning, and the reference DCGAN's size."""

import pytest
import torch

from core.gan.config import GanConfig
from core.gan.models import Dropout, build_models

IMAGE = (1, 28, 28)
CIFAR = (3, 32, 32)


def models(shape, **settings):
    torch.manual_seed(0)
    data = "ring8" if shape == (2,) else "glyphs"
    return build_models(GanConfig(data=data, **settings), shape, 10)


@pytest.mark.parametrize(("model", "shape"), [("mlp", IMAGE), ("conv", IMAGE), ("dcgan", IMAGE), ("conv", CIFAR),
                                              ("dcgan", CIFAR), ("mlp", CIFAR)])
@pytest.mark.parametrize("conditional", [False, True])
def test_image_generators_fill_the_data_shape_within_tanh_range(model, shape, conditional):
    generator, discriminator = models(shape, model=model, conditional=conditional, z_dim=16, hidden=32)
    labels = torch.arange(4) if conditional else None
    images = generator(torch.randn(4, 16) * 10, labels)  # large z drives tanh towards its limits
    assert images.shape == (4, *shape)
    assert images.abs().max() <= 1.0 and images.abs().max() > 0.5
    assert discriminator(images, labels).shape == (4, 1)


def test_point_generator_is_not_squashed_so_it_can_reach_the_ring():
    generator, discriminator = models((2,), z_dim=4, hidden=16)
    with torch.no_grad():
        generator.net[-1].weight.mul_(100)
    points = generator(torch.randn(256, 4))
    assert points.shape == (256, 2) and points.abs().max() > 2
    assert discriminator(points).shape == (256, 1)


@pytest.mark.parametrize("model", ["mlp", "conv", "dcgan"])
def test_conditional_models_read_the_label(model):
    generator, discriminator = models(IMAGE, model=model, conditional=True, z_dim=8, hidden=16, dropout=0.0)
    z = torch.randn(1, 8).expand(10, 8)
    images = generator.eval()(z, torch.arange(10))
    assert not torch.allclose(images[0], images[1])
    scores = discriminator(images[:1].expand(10, *IMAGE), torch.arange(10))
    assert scores.unique().numel() == 10


def test_dcgan_has_the_reference_loops_parameters():
    # Counted by hand from ../shared/bench/reference_dcgan_loop.py. G: dense 100*7*7*256, ConvT 256->128,
    # 128->64, 64->1 (5x5, no bias), BatchNorm 128 and 64 (weight + bias). D: conv 1->64 and 64->128 (5x5,
    # bias), dense 128*7*7 -> 1.
    generator, discriminator = models(IMAGE, model="dcgan")
    g = 100 * 7 * 7 * 256 + 256 * 128 * 25 + 128 * 64 * 25 + 64 * 1 * 25 + 2 * (128 + 64)
    d = (1 * 64 * 25 + 64) + (64 * 128 * 25 + 128) + (128 * 7 * 7 + 1)
    assert sum(p.numel() for p in generator.parameters()) == g == 2_280_384
    assert sum(p.numel() for p in discriminator.parameters()) == d == 212_865
    slopes = {m.negative_slope for m in [*generator.modules(), *discriminator.modules()]
              if isinstance(m, torch.nn.LeakyReLU)}
    assert slopes == {0.3}
    assert [m.p for m in discriminator.modules() if isinstance(m, torch.nn.Dropout)] == [0.3, 0.3]


def test_the_image_mlp_has_the_classic_mnist_gan_shape_with_batchnorm_in_the_generator():
    # G 100 -> 256 -> 512 -> 1024 -> 784 and D 784 -> 1024 -> 512 -> 256 -> 1 at hidden 256, as in the classic
    # PyTorch MNIST GAN; BatchNorm on G's two wider layers keeps its samples apart.
    generator, discriminator = models(IMAGE, hidden=256)

    def linear(net):
        return [(m.in_features, m.out_features) for m in net.modules() if isinstance(m, torch.nn.Linear)]

    assert linear(generator) == [(100, 256), (256, 512), (512, 1024), (1024, 784)]
    assert linear(discriminator) == [(784, 1024), (1024, 512), (512, 256), (256, 1)]
    assert [m.num_features for m in generator.modules() if isinstance(m, torch.nn.BatchNorm1d)] == [512, 1024]


def test_the_point_mlp_keeps_one_width_and_no_normalisation():
    generator, discriminator = models((2,), hidden=64, z_dim=8)
    widths = [m.out_features for m in generator.modules() if isinstance(m, torch.nn.Linear)]
    assert widths == [64, 64, 64, 2]
    assert not any(isinstance(m, torch.nn.BatchNorm1d) for m in generator.modules())


def test_mse_trains_no_discriminator():
    generator, discriminator = models(IMAGE, objective="mse")
    assert discriminator is None and generator is not None


def test_mlp_discriminator_dropout_can_be_switched_off():
    _, with_dropout = models(IMAGE, dropout=0.5)
    _, without = models(IMAGE, dropout=0.0)
    assert sum(isinstance(m, torch.nn.Dropout) for m in with_dropout.modules()) == 3
    assert not any(isinstance(m, torch.nn.Dropout) for m in without.modules())


def test_dropout_drops_with_its_probability_and_keeps_the_expected_value():
    # our Dropout draws its mask from random 32-bit integers (faster on the CPU than bernoulli_ or uniform
    # floats): the maths must be nn.Dropout's, a unit zeroed with probability p and the rest scaled by 1/(1-p),
    # in the forward and backward
    torch.manual_seed(0)
    layer = Dropout(0.3)
    x = torch.ones(200_000, requires_grad=True)
    y = layer(x)
    dropped = (y == 0).float().mean().item()
    assert abs(dropped - 0.3) < 4 * (0.3 * 0.7 / len(x)) ** 0.5  # within 4 standard errors
    assert torch.allclose(y[y != 0], torch.tensor(1 / 0.7)) and abs(y.mean().item() - 1) < 0.01
    y.sum().backward()
    assert torch.equal(x.grad, y.detach())  # the gradient passes where the unit was kept, scaled alike
    layer.eval()
    assert layer(x) is x
    assert Dropout(0.0).train()(x) is x


def test_dropout_units_are_independent_including_the_two_halves_of_one_random_word():
    # neighbouring units take their masks from the two halves of one 64-bit random word: both must be
    # uniform and independent of each other, so a pair is kept together with probability (1-p)^2
    torch.manual_seed(1)
    kept = Dropout(0.3)(torch.ones(400_000)).ne(0).view(-1, 2).float()
    for share in (kept[:, 0].mean(), kept[:, 1].mean()):
        assert abs(share.item() - 0.7) < 4 * (0.21 / len(kept)) ** 0.5
    both = (kept[:, 0] * kept[:, 1]).mean().item()
    assert abs(both - 0.49) < 4 * (0.49 * 0.51 / len(kept)) ** 0.5
    assert abs(kept.view(-1)[1:-1:2].mul(kept.view(-1)[2::2]).mean().item() - 0.49) < 0.005  # across words too


def test_dropout_takes_any_shape_and_any_allowed_rate():
    torch.manual_seed(2)
    odd = Dropout(0.5)(torch.ones(3, 5, 7))  # an odd count of units: the last word is half used
    assert odd.shape == (3, 5, 7) and set(odd.unique().tolist()) <= {0.0, 2.0}
    almost_all = Dropout(0.999_999_9)(torch.ones(100_000))  # the highest rates the settings allow
    assert almost_all.ne(0).sum() < 5
    assert Dropout(1e-9)(torch.ones(100_000)).ne(0).all()
