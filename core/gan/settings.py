"""The GAN lab's settings: one entry per GanConfig field, from which `gan-tui gan`'s options and the app's
form are built. Torch-free, like config.py.

Which settings a run uses (the form greys the others out):
- an objective's own settings (WGAN's clip, WGAN-GP's penalty weight, the unrolled GAN's look-ahead) and
  whether it trains a discriminator at all are in core.gan.objective_facts;
- Adam's betas mean nothing to RMSprop and SGD; the hidden width is the MLP pair's;
- data_dir and download are for the real data sets; the glyphs and the 2-D mixtures are generated;
- the 2-D mixtures have no labels, so there is nothing to condition on and no classifier evaluates them.
"""

from __future__ import annotations

from core.gan.config import DEVICES, IMAGE_SETS, MODELS, OBJECTIVES, OPTIMIZERS, POINT_SETS, PRECISIONS, GanConfig
from core.gan.objective_facts import OBJECTIVE_FACTS
from core.gan.real_data import check_data_folder
from core.settings import Setting

REAL_SETS = tuple(name for name in IMAGE_SETS if name != "glyphs")


def _own_setting(name: str):
    return lambda config: name in OBJECTIVE_FACTS[config.objective].own_settings


def _has_discriminator(config: GanConfig) -> bool:
    return OBJECTIVE_FACTS[config.objective].discriminator


def _adam(config: GanConfig) -> bool:
    return config.effective("optimizer") == "adam"


def _real_data(config: GanConfig) -> bool:
    return config.data in REAL_SETS


def _images(config: GanConfig) -> bool:
    return config.data in IMAGE_SETS


def _objective_default(name: str):
    return lambda config: config.effective(name)


def _data_files_present(config: GanConfig) -> None:
    if config.data in REAL_SETS:
        check_data_folder(config.data, config.data_dir, config.download)


SETTINGS: tuple[Setting, ...] = (
    Setting("model", "choice", "model", "mlp: fully connected; conv: a small convolutional pair for digits; "
            "dcgan: the TensorFlow tutorial's convolutional GAN", MODELS),
    Setting("objective", "choice", "objective", "what D and G minimise: cross-entropy (minimax or non-saturating), "
            "least squares, Wasserstein, generator-only MSE or unrolled", OBJECTIVES),
    Setting("data", "choice", "data", "the training data: glyphs and the 2-D mixtures ring8 and grid25 are "
            "built in, the others are read from the data folder", IMAGE_SETS + POINT_SETS),
    Setting("data_dir", "text", "data dir", "folder holding the mnist / fashion-mnist / cifar10 files",
            optional=True, metavar="DIR", used_when=_real_data, check=_data_files_present),
    Setting("download", "flag", "download", "download the data set into the data folder if its files are missing",
            checkbox_text="if missing", used_when=_real_data, hidden_when_unused=True),
    Setting("conditional", "flag", "labels",
            "conditional GAN: both players see the class (G as a one-hot code, the MLP D by projection)",
            checkbox_text="one-hot class", used_when=_images),
    Setting("lr_d", "float", "lr D", "discriminator learning rate (default: the objective's)",
            optional=True, used_when=_has_discriminator, default_of=_objective_default("lr_d")),
    Setting("lr_g", "float", "lr G", "generator learning rate (default: the objective's)",
            optional=True, default_of=_objective_default("lr_g")),
    Setting("batch", "int", "batch", "real images per discriminator step"),
    Setting("d_steps", "int", "D steps", "discriminator updates per generator update (default: the objective's)",
            optional=True, used_when=_has_discriminator, default_of=_objective_default("d_steps")),
    Setting("clip", "float", "clip c", "wgan: every critic weight is clipped to [-c, c]",
            used_when=_own_setting("clip")),
    Setting("gp_lambda", "float", "GP λ", "wgan-gp: weight of the gradient penalty",
            used_when=_own_setting("gp_lambda")),
    Setting("unroll", "int", "unroll k", "unrolled: discriminator steps the generator looks ahead",
            used_when=_own_setting("unroll")),
    Setting("dropout", "float", "dropout", "discriminator dropout rate; 0 turns it off", used_when=_has_discriminator),
    Setting("z_dim", "int", "z dim", "length of the noise vector z"),
    Setting("epochs", "int", "epochs", "passes over the data; 0: no limit (max steps ends the run)"),
    Setting("max_steps", "int", "max steps", "generator steps before the run ends; 0: no limit (epochs ends it)"),
    Setting("sample_every", "int", "sample every", "steps between sample grids (default 100); 0: only at the snapshot "
            "epochs and the end"),
    Setting("sample_epochs", "epochs", "snapshots", "epochs whose samples are kept side by side "
            "(default 1, 10, 30, 50)", empty=()),
    Setting("seed", "int", "seed", "random seed: same seed, same run"),
    Setting("device", "choice", "device", "auto picks CUDA, then MPS, then the CPU", DEVICES),
    Setting("hidden", "int", "hidden", "MLP width: the generator's hidden layers are h, 2h and 4h wide",
            used_when=lambda config: config.model == "mlp", advanced=True),
    Setting("optimizer", "choice", "optimizer", "optimiser of both players (default: the objective's)",
            OPTIMIZERS, optional=True, default_of=_objective_default("optimizer"), advanced=True),
    Setting("beta1", "float", "β1", "Adam's beta1 (default: the objective's)", optional=True, used_when=_adam,
            default_of=_objective_default("beta1"), advanced=True),
    Setting("beta2", "float", "β2", "Adam's beta2 (default: the objective's)", optional=True, used_when=_adam,
            default_of=_objective_default("beta2"), advanced=True),
    Setting("g_steps", "int", "G steps", "generator updates per step", advanced=True),
    Setting("precision", "choice", "precision", "fp32, or bf16 / fp16 mixed precision on CUDA", PRECISIONS,
            advanced=True),
    Setting("compile", "flag", "compile", "torch.compile the networks for training: tens of seconds of warm-up, "
            "then the same steps, faster on a GPU (slower on a 2-core CPU); wgan-gp and unrolled compile G only",
            checkbox_text="torch.compile", advanced=True),
    Setting("log_every", "int", "log every", "read the losses at least every this many steps", advanced=True),
    Setting("checkpoint_every", "int", "checkpoints", "steps between checkpoints; 0: every 5 minutes of training "
            "and at epoch ends a minute after the last; always at the end", advanced=True),
    Setting("classifier", "text", "evaluator", "evaluator file saved by `gan-tui classify --out PATH` (default: the "
            "cached one)", optional=True, metavar="PATH", used_when=_images, advanced=True),
)


def unused_settings(config: GanConfig) -> frozenset[str]:
    """Names of the fields that have no effect on a run of `config`."""
    return frozenset(setting.name for setting in SETTINGS if not setting.used_when(config))
