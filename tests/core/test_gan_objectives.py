"""The objectives: each trains its own D, their known values, WGAN clipping, the gradient penalty, unrolling."""

import math

import pytest
import torch
import torch.nn.functional as F

from core.gan.config import GanConfig
from core.gan.models import MlpDiscriminator, MlpGenerator
from core.gan.objectives import GradientPenalty, Objective, Unrolled, gradient_penalty, make_objective, score_both

SHAPE = (2,)


@pytest.fixture
def batch():
    torch.manual_seed(0)
    real = torch.randn(64, 2) * 0.1 + torch.tensor([2.0, 0.0])
    fake = torch.randn(64, 2) * 0.1
    return real, fake


def discriminator(seed=0, dropout=0.0):
    torch.manual_seed(seed)
    return MlpDiscriminator(SHAPE, hidden=32, dropout=dropout)


@pytest.mark.parametrize("name", ["minimax", "nonsat", "lsgan", "wgan", "wgan-gp", "unrolled"])
def test_each_objective_lowers_its_own_discriminator_loss_on_a_fixed_batch(name, batch):
    real, fake = batch
    d = discriminator()
    optimiser = torch.optim.Adam(d.parameters(), lr=1e-3)
    objective = make_objective(GanConfig(objective=name, data="ring8", clip=0.1), optimiser)
    losses = []
    for _ in range(30):
        loss = objective.discriminator_loss(d, real, fake, None).loss
        losses.append(loss.item())
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        objective.after_discriminator_step(d)
    assert losses[-1] < losses[0] - 0.05


def test_mse_generator_lowers_its_distance_to_the_real_batch(batch):
    real, _ = batch
    objective = make_objective(GanConfig(objective="mse", data="ring8"))
    torch.manual_seed(0)
    generator = MlpGenerator(4, SHAPE, 32)
    z = torch.randn(64, 4)
    with torch.no_grad():
        distance = (generator(z) - real).square().mean().item()
    optimiser = torch.optim.Adam(generator.parameters(), lr=1e-3)
    losses = []
    for _ in range(30):
        loss = objective.generator_loss(None, generator(z), None, real)
        losses.append(loss.item())
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    assert losses[0] == pytest.approx(distance)
    assert losses[-1] < 0.7 * losses[0]


def test_cross_entropy_losses_match_their_formulas(batch):
    real, fake = batch
    d = discriminator()
    real_scores, fake_scores = d(real), d(fake)
    expected_d = F.binary_cross_entropy_with_logits(real_scores, torch.ones_like(real_scores)) + \
        F.binary_cross_entropy_with_logits(fake_scores, torch.zeros_like(fake_scores))
    result = make_objective(GanConfig(objective="minimax", data="ring8")).discriminator_loss(d, real, fake, None)
    assert result.loss.item() == pytest.approx(expected_d.item(), rel=1e-6)
    assert result.d_real.item() == pytest.approx(torch.sigmoid(real_scores).mean().item(), rel=1e-6)
    minimax_g = make_objective(GanConfig(objective="minimax", data="ring8")).generator_loss(d, fake, None, real)
    nonsat_g = make_objective(GanConfig(objective="nonsat", data="ring8")).generator_loss(d, fake, None, real)
    assert minimax_g.item() == pytest.approx(torch.log1p(-torch.sigmoid(fake_scores)).mean().item(), rel=1e-5)
    assert nonsat_g.item() == pytest.approx(-torch.log(torch.sigmoid(fake_scores)).mean().item(), rel=1e-5)


def test_minimax_generator_gradient_vanishes_where_nonsat_does_not():
    # D rejects the fakes confidently (score -8, D = 0.0003): d/dl log(1 - sigmoid(l)) = -sigmoid(l) ~ 0,
    # while d/dl -log sigmoid(l) = sigmoid(l) - 1 ~ -1.
    scores = torch.full((4, 1), -8.0, requires_grad=True)
    rejected = 1 / (1 + math.exp(8))  # sigmoid(-8)
    for name, size in (("minimax", rejected), ("nonsat", 1 - rejected)):
        (gradient,) = torch.autograd.grad(make_objective(GanConfig(objective=name)).g_loss_from_scores(scores), scores)
        assert gradient.abs().sum().item() == pytest.approx(size, rel=1e-5)


def test_wgan_keeps_every_discriminator_weight_within_the_clip(batch):
    real, fake = batch
    objective = make_objective(GanConfig(objective="wgan", data="ring8", clip=0.01))
    d = discriminator()
    optimiser = torch.optim.RMSprop(d.parameters(), lr=0.05)
    for _ in range(5):
        loss = objective.discriminator_loss(d, real, fake, None).loss
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        objective.after_discriminator_step(d)
        assert all(p.abs().max().item() <= 0.01 for p in d.parameters())
    assert max(p.abs().max().item() for p in d.parameters()) == pytest.approx(0.01)


def test_gradient_penalty_is_differentiable_so_it_reaches_the_discriminator(batch):
    real, fake = batch
    d = discriminator()
    penalty = gradient_penalty(d, real, fake, None)
    assert penalty.requires_grad  # create_graph=True: a constant would carry no graph
    penalty.backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for name, p in d.named_parameters() if "weight" in name)


def test_gradient_penalty_of_a_unit_slope_critic_is_zero():
    # D(x) = w.x with |w| = 1 has |grad D| = 1 everywhere: no penalty. With |w| = 3 the penalty is (3 - 1)^2.
    linear = torch.nn.Linear(2, 1, bias=False)
    critic = lambda x, labels: linear(x)  # noqa: E731
    for norm, expected in ((1.0, 0.0), (3.0, 4.0)):
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[0.6, 0.8]]) * norm)
        assert (gradient_penalty(critic, torch.randn(8, 2), torch.randn(8, 2), None).item()
                == pytest.approx(expected, abs=1e-5))
    assert isinstance(make_objective(GanConfig(objective="wgan-gp", gp_lambda=5)), GradientPenalty)


def test_unrolled_generator_gradient_differs_from_the_plain_one_and_leaves_d_alone(batch):
    real, _ = batch
    torch.manual_seed(1)
    generator = MlpGenerator(4, SHAPE, 32)
    d = discriminator()
    before = [p.clone() for p in d.parameters()]
    z = torch.randn(64, 4)

    def generator_gradient(objective):
        generator.zero_grad()
        objective.generator_loss(d, generator(z), None, real).backward()
        return torch.cat([p.grad.flatten() for p in generator.parameters()])

    adam = torch.optim.Adam(d.parameters(), lr=1e-2, betas=(0.5, 0.999))
    unrolled = generator_gradient(Unrolled(5, adam))
    assert all(torch.equal(a, b) for a, b in zip(before, d.parameters()))
    assert all(p.grad is None for p in d.parameters()) and not adam.state  # the look-ahead ran on a copy
    plain = generator_gradient(Objective())
    assert (unrolled - plain).norm() > 0.05 * plain.norm()
    standing_still = torch.optim.SGD(d.parameters(), lr=0.0)
    assert torch.allclose(generator_gradient(Unrolled(5, standing_still)), plain, atol=1e-6)  # no look-ahead: nonsat


def test_the_adam_look_ahead_takes_the_steps_adam_would_take(batch):
    # Without G in the loop, k look-ahead steps must land where k real Adam steps on the same batch land.
    real, fake = batch
    d = discriminator()
    adam = torch.optim.Adam(d.parameters(), lr=1e-2, betas=(0.5, 0.999))
    objective = make_objective(GanConfig(objective="unrolled", unroll=3, data="ring8"), adam)
    ahead = objective.lookahead(d, real, fake, None)
    for _ in range(3):
        adam.zero_grad()
        objective.discriminator_loss(d, real, fake, None).loss.backward()
        adam.step()
    for name, p in d.named_parameters():
        assert torch.allclose(ahead[name], p, atol=1e-6), name


def test_one_forward_over_real_and_fake_scores_each_as_alone(batch):
    real, fake = batch
    d = discriminator(dropout=0.3).eval()
    real_scores, fake_scores = score_both(d, real, fake, None)
    assert torch.allclose(real_scores, d(real), atol=1e-6) and torch.allclose(fake_scores, d(fake), atol=1e-6)


def test_lsgan_loss_is_zero_at_its_targets():
    objective = make_objective(GanConfig(objective="lsgan"))
    ones, zeros = torch.ones(3, 1), torch.zeros(3, 1)
    assert objective.d_loss_from_scores(ones, zeros).item() == 0
    assert objective.g_loss_from_scores(ones).item() == 0
    assert objective.d_loss_from_scores(zeros, ones).item() == pytest.approx(1.0)
    assert math.isclose(objective.g_loss_from_scores(zeros).item(), 0.5)
