"""The GAN objectives: each says how D scores a batch and what loss each player minimises.

D outputs a raw score l per sample; D(x) = sigmoid(l) for the cross-entropy objectives. With real
samples x, fakes G(z) and softplus(t) = log(1 + e^t) (so -log sigmoid(l) = softplus(-l)):
- minimax (Goodfellow et al. 2014): D minimises -log D(x) - log(1 - D(G(z))); G minimises log(1 - D(G(z)))
  = -softplus(l_fake), which saturates (vanishing gradient) while D rejects the fakes confidently.
- nonsat: the same D; G minimises -log D(G(z)) = softplus(-l_fake) instead, strong gradients early on.
- lsgan (Mao et al. 2017): D minimises 1/2 (l_real - 1)^2 + 1/2 l_fake^2; G minimises 1/2 (l_fake - 1)^2.
- wgan (Arjovsky et al. 2017): the critic minimises mean l_fake - mean l_real with every weight clipped to
  [-c, c] after each step; G minimises -mean l_fake.
- wgan-gp (Gulrajani et al. 2017): wgan without clipping, plus lambda E[(|grad_x D(x_hat)|_2 - 1)^2] at
  random interpolates x_hat between real and fake samples.
- mse: no discriminator; G minimises mean (G(z) - x)^2 against a real batch. Its minimiser is the mean of
  the data, so its samples are blurry averages: why a plain regression loss does not make a generator.
- unrolled (Metz et al. 2017): D as nonsat; G minimises its nonsat loss against D after k further
  updates by D's optimiser taken on a functional copy of D, differentiating through those updates.
Each loss is a mean over the batch; reported D(x) / D(G(z)) are probabilities for the cross-entropy
objectives and raw scores for the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call

from core.gan.config import GanConfig
from core.gan.objective_facts import OBJECTIVE_FACTS


@dataclass
class DiscriminatorLoss:
    loss: torch.Tensor     # what D minimises (scalar, with graph)
    d_real: torch.Tensor   # mean D output on the real batch (scalar, detached)
    d_fake: torch.Tensor   # mean D output on the fakes (scalar, detached)


def score_both(d: nn.Module, real: torch.Tensor, fake: torch.Tensor, labels: torch.Tensor | None
               ) -> tuple[torch.Tensor, torch.Tensor]:
    """D's scores on the real batch and the fakes from one forward pass over both.

    Exact for our discriminators, which have no batch statistics (no BatchNorm): each sample's score does
    not depend on the rest of the batch, and one large convolution is cheaper than two half-sized ones.
    """
    both_labels = None if labels is None else torch.cat([labels, labels])
    scores = d(torch.cat([real, fake]), both_labels)
    return scores[: len(real)], scores[len(real):]


class Objective:
    """The cross-entropy GAN (nonsat generator); subclasses change the pieces that differ."""

    name = "nonsat"
    g_reuses_d_fakes = True  # G's step may score the last D step's fakes instead of drawing new ones

    def d_loss_from_scores(self, real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
        return F.softplus(-real_scores).mean() + F.softplus(fake_scores).mean()

    def g_loss_from_scores(self, fake_scores: torch.Tensor) -> torch.Tensor:
        return F.softplus(-fake_scores).mean()

    def discriminator_loss(self, d: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                           labels: torch.Tensor | None) -> DiscriminatorLoss:
        """D's loss on a real batch and detached fakes (both labelled `labels` when conditional)."""
        real_scores, fake_scores = score_both(d, real, fake, labels)
        loss = self.d_loss_from_scores(real_scores, fake_scores)
        return DiscriminatorLoss(loss, self._report(real_scores), self._report(fake_scores))

    def generator_loss(self, d: nn.Module | None, fake: torch.Tensor, labels: torch.Tensor | None,
                       real: torch.Tensor) -> torch.Tensor:
        """G's loss on fakes that carry G's graph; `real` is the last real batch (used by mse, unrolled)."""
        return self.g_loss_from_scores(d(fake, labels))

    def after_discriminator_step(self, d: nn.Module) -> None:
        """Called after each optimiser step of D (WGAN clips its weights here)."""

    def _report(self, scores: torch.Tensor) -> torch.Tensor:
        scores = scores.detach().float()
        return (torch.sigmoid(scores) if OBJECTIVE_FACTS[self.name].probabilities else scores).mean()


class Minimax(Objective):
    name = "minimax"

    def g_loss_from_scores(self, fake_scores: torch.Tensor) -> torch.Tensor:
        return -F.softplus(fake_scores).mean()


class LeastSquares(Objective):
    name = "lsgan"

    def d_loss_from_scores(self, real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
        return 0.5 * (real_scores - 1).square().mean() + 0.5 * fake_scores.square().mean()

    def g_loss_from_scores(self, fake_scores: torch.Tensor) -> torch.Tensor:
        return 0.5 * (fake_scores - 1).square().mean()


class Wasserstein(Objective):
    """The critic with weight clipping at +-clip."""

    name = "wgan"

    def __init__(self, clip: float):
        self.clip = clip

    def d_loss_from_scores(self, real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
        return fake_scores.mean() - real_scores.mean()

    def g_loss_from_scores(self, fake_scores: torch.Tensor) -> torch.Tensor:
        return -fake_scores.mean()

    @torch.no_grad()
    def after_discriminator_step(self, d: nn.Module) -> None:
        for parameter in d.parameters():
            parameter.clamp_(-self.clip, self.clip)


class GradientPenalty(Wasserstein):
    """The critic without clipping, with lambda (|grad D(x_hat)| - 1)^2 at interpolates x_hat."""

    name = "wgan-gp"

    def __init__(self, gp_lambda: float):
        self.gp_lambda = gp_lambda

    def discriminator_loss(self, d: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                           labels: torch.Tensor | None) -> DiscriminatorLoss:
        result = super().discriminator_loss(d, real, fake, labels)
        result.loss = result.loss + self.gp_lambda * gradient_penalty(d, real, fake, labels)
        return result

    def after_discriminator_step(self, d: nn.Module) -> None:
        """No clipping: the penalty replaces it."""


def gradient_penalty(d: nn.Module, real: torch.Tensor, fake: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
    """E[(|grad_x D(x_hat)|_2 - 1)^2], x_hat = e x + (1 - e) G(z), e ~ U[0, 1] per sample.

    create_graph=True keeps the input gradient differentiable, so the penalty's own gradient reaches D's
    parameters: without it the penalty would be a constant to the optimiser.
    """
    mix = torch.rand(len(real), *([1] * (real.dim() - 1)), device=real.device, dtype=real.dtype)
    between = (mix * real + (1 - mix) * fake.detach()).requires_grad_(True)
    (slope,) = torch.autograd.grad(d(between, labels).sum(), between, create_graph=True)
    return (slope.flatten(1).norm(dim=1) - 1).square().mean()


class MeanSquaredError(Objective):
    name = "mse"

    def generator_loss(self, d: nn.Module | None, fake: torch.Tensor, labels: torch.Tensor | None,
                       real: torch.Tensor) -> torch.Tensor:
        return (fake - real).square().mean()


class Unrolled(Objective):
    """nonsat, except G's loss is taken against D after `steps` further updates by D's own optimiser.

    The look-ahead replays D's update rule functionally: Adam from its current moment estimates, as in
    Metz et al. (Adam's steps are what make D move: a plain gradient step of Adam's learning rate would
    barely change it); any other optimiser as plain gradient descent with its learning rate.
    """

    name = "unrolled"
    # the look-ahead trains D on G's batch: on the batch D has just been trained on, it would foresee a D
    # that has seen those fakes twice (ring8, seed 0: 2 modes of 8 instead of 8)
    g_reuses_d_fakes = False

    def __init__(self, steps: int, optimizer: torch.optim.Optimizer):
        self.steps, self.optimizer = steps, optimizer

    def generator_loss(self, d: nn.Module | None, fake: torch.Tensor, labels: torch.Tensor | None,
                       real: torch.Tensor) -> torch.Tensor:
        return self.g_loss_from_scores(functional_call(d, self.lookahead(d, real, fake, labels), (fake, labels)))

    def lookahead(self, d: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                  labels: torch.Tensor | None) -> dict[str, torch.Tensor]:
        """D's parameters and buffers after `steps` updates on its loss, as differentiable functions of `fake`.

        The updates start from a detached copy (D itself is untouched) and keep their graph
        (create_graph), so G's gradient includes how D would react to G's samples.
        """
        group = self.optimizer.param_groups[0]
        names = [name for name, _ in d.named_parameters()]
        params = [p.detach().requires_grad_(True) for _, p in d.named_parameters()]
        state = [self.optimizer.state.get(p, {}) for _, p in d.named_parameters()]
        moments = [(s.get("exp_avg", torch.zeros_like(p)), s.get("exp_avg_sq", torch.zeros_like(p)))
                   for s, p in zip(state, params)]
        count = int(state[0].get("step", 0)) if state else 0
        buffers = dict(d.named_buffers())
        both_labels = None if labels is None else torch.cat([labels, labels])
        adam = isinstance(self.optimizer, torch.optim.Adam)
        for _ in range(self.steps):
            scores = functional_call(d, {**dict(zip(names, params)), **buffers}, (torch.cat([real, fake]), both_labels))
            loss = self.d_loss_from_scores(scores[: len(real)], scores[len(real):])
            grads = torch.autograd.grad(loss, params, create_graph=True)
            if not adam:
                params = [p - group["lr"] * g for p, g in zip(params, grads)]
                continue
            count += 1
            (beta1, beta2), lr, eps = group["betas"], group["lr"], group["eps"]
            moments = [(beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g)
                       for (m, v), g in zip(moments, grads)]
            # clamp: sqrt's derivative is infinite at 0, where a dead unit's zero gradient would make NaN
            params = [p - lr * (m / (1 - beta1**count)) / ((v / (1 - beta2**count)).clamp_min(1e-30).sqrt() + eps)
                      for p, (m, v) in zip(params, moments)]
        return {**dict(zip(names, params)), **buffers}


def make_objective(config: GanConfig, d_optimizer: torch.optim.Optimizer | None = None) -> Objective:
    """The objective `config.objective` with its settings (unrolled also needs D's optimiser)."""
    if config.objective == "minimax":
        return Minimax()
    if config.objective == "lsgan":
        return LeastSquares()
    if config.objective == "wgan":
        return Wasserstein(config.clip)
    if config.objective == "wgan-gp":
        return GradientPenalty(config.gp_lambda)
    if config.objective == "mse":
        return MeanSquaredError()
    if config.objective == "unrolled":
        return Unrolled(config.unroll, d_optimizer)
    return Objective()
