"""The reference lines sit where each objective's losses are when D cannot tell real from fake."""

import math

import pytest
import torch

from core.errors import InvalidSetting
from core.gan.config import GanConfig
from core.gan.objective_facts import objective_facts
from core.gan.objectives import make_objective

# D's raw score at equilibrium: logit 0 is D = 1/2 for cross-entropy; least squares scores 1/2 directly.
EQUILIBRIUM_SCORE = {"minimax": 0.0, "nonsat": 0.0, "unrolled": 0.0, "lsgan": 0.5, "wgan": 0.7, "wgan-gp": 0.7}


@pytest.mark.parametrize("objective", sorted(EQUILIBRIUM_SCORE))
def test_the_losses_at_equilibrium_match_the_objectives_own_formulas(objective):
    scores = torch.full((16,), EQUILIBRIUM_SCORE[objective])
    loss = make_objective(GanConfig(objective=objective))
    facts = objective_facts(objective)
    assert float(loss.d_loss_from_scores(scores, scores)) == pytest.approx(facts.equilibrium_d_loss, abs=1e-6)
    if facts.equilibrium_g_loss is not None:
        assert float(loss.g_loss_from_scores(scores)) == pytest.approx(facts.equilibrium_g_loss, abs=1e-6)


def test_the_summed_cross_entropy_sits_at_log_4_and_d_at_one_half():
    assert objective_facts("nonsat").equilibrium_d_loss == pytest.approx(math.log(4))
    assert objective_facts("minimax").equilibrium_g_loss == pytest.approx(-math.log(2))
    assert objective_facts("nonsat").equilibrium_d_output == 0.5
    assert objective_facts("wgan").equilibrium_d_output is None


def test_mse_has_no_discriminator_lines_and_unknown_objectives_are_refused():
    facts = objective_facts("mse")
    assert not facts.discriminator
    assert (facts.equilibrium_d_loss, facts.equilibrium_g_loss, facts.equilibrium_d_output) == (None, None, None)
    with pytest.raises(InvalidSetting, match="objective"):
        objective_facts("hinge")


@pytest.mark.parametrize("objective, probabilities", [("minimax", True), ("nonsat", True), ("unrolled", True),
                                                     ("lsgan", False), ("wgan", False), ("wgan-gp", False)])
def test_cross_entropy_runs_report_d_as_a_probability_and_the_others_as_raw_scores(objective, probabilities):
    assert objective_facts(objective).probabilities == probabilities
    scores = torch.tensor([-3.0, 5.0])
    reported = make_objective(GanConfig(objective=objective))._report(scores)
    assert float(reported) == pytest.approx(float(torch.sigmoid(scores).mean() if probabilities else scores.mean()))
