"""The training loop: one loop for every objective, events out to any number of sinks.

Per step the loop never waits for the device: batches come from a device-resident tensor, each step's
losses are written into a small device buffer, and the host reads that buffer (one sync) only every
`log_every` steps or every REPORT_SECONDS, whichever comes first. Each read becomes one Progress event;
a non-finite loss found there ends the run with a Failed event naming the loss and the exact step.

Maths per step, as in ../shared/bench/reference_dcgan_loop.py: each of d_steps D updates draws a real
batch and fresh noise z1 and steps D on the objective's D loss against G(z1) (computed without a graph:
D's update does not need G's); then each of g_steps G updates draws fresh noise z2 and steps G on the
objective's G loss through D (D's parameters are frozen meanwhile: their gradient would be discarded).
"""

from __future__ import annotations

import errno
import os
import time
import traceback
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any

import torch
from torchvision.utils import save_image

from core.allocator import keep_freed_memory
from core.errors import InvalidSetting
from core.gan.batches import BatchSampler
from core.gan.config import SECOND_ORDER, GanConfig
from core.gan.control import Control
from core.gan.data import TensorData, load_data
from core.gan.evaluation import Evaluator
from core.gan.events import CheckpointSaved, EpochEnd, Event, Failed, Finished, Progress, Samples, Started
from core.gan.grids import SCATTER_SIZE, image_grid, scatter_plot, to_uint8
from core.gan.heatmap import discriminator_map, heat_picture
from core.gan.models import build_models
from core.gan.objectives import make_objective
from core.gan.run_dir import MetricsWriter, RunDir, StatusWriter, default_run_path, total_steps

REPORT_SECONDS = 0.1
COMPILE_BACKEND = "inductor"  # torch.compile's default; tests use "eager" (tracing only, no code generation)
# With checkpoint_every 0 (the default) a run checkpoints by the clock, so a kill -9, an OOM kill or a power
# cut loses minutes, not the run: every CHECKPOINT_SECONDS of training, and at an epoch's end once
# EPOCH_CHECKPOINT_SECONDS have passed (short epochs then checkpoint on their boundaries).
CHECKPOINT_SECONDS = 300.0
EPOCH_CHECKPOINT_SECONDS = 60.0
SCATTER_POINTS = 1000
_COLUMNS = ("d_loss", "g_loss", "d_real", "d_fake")
_AUTOCAST_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}

Sink = Callable[[Event], None]


class NonFiniteLoss(Exception):
    def __init__(self, message: str, step: int):
        super().__init__(message)
        self.step = step


def resolve_device(name: str) -> torch.device:
    """"auto" picks CUDA, then Apple's MPS, then the CPU; asking for one that is absent is an error."""
    cuda, mps = torch.cuda.is_available(), torch.backends.mps.is_available()
    if name == "auto":
        return torch.device("cuda" if cuda else "mps" if mps else "cpu")
    if name == "cuda" and not cuda:
        raise InvalidSetting("device", "cuda was asked for, but this PyTorch sees no CUDA GPU; use cpu or auto")
    if name == "mps" and not mps:
        raise InvalidSetting("device", "mps was asked for, but this PyTorch sees no Apple GPU; use cpu or auto")
    return torch.device(name)


def make_optimizer(config: GanConfig, parameters: Any, lr: float, device: torch.device) -> torch.optim.Optimizer:
    """The configured optimiser; on CPU and CUDA, Adam and SGD run fused (one kernel for all parameters)."""
    name = config.effective("optimizer")
    fused = {"fused": True} if device.type in ("cpu", "cuda") else {}
    if name == "adam":
        betas = (config.effective("beta1"), config.effective("beta2"))
        return torch.optim.Adam(parameters, lr=lr, betas=betas, **fused)
    if name == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=lr)
    return torch.optim.SGD(parameters, lr=lr, **fused)


def memory_needed(config: GanConfig, data: TensorData) -> tuple[int, int]:
    """Bytes a run will hold beyond its data: (the models' parameters with their gradients and two optimiser
    moments, fp32; the losses window of log_every rows). The models are built on torch's meta device, which
    allocates nothing, so an absurd --hidden is measured, not attempted."""
    try:
        with torch.random.fork_rng(devices=[]), torch.device("meta"):
            generator, discriminator = build_models(config, data.shape, data.num_classes)
        parameters = sum(p.numel() for model in (generator, discriminator) if model is not None
                         for p in model.parameters())
    except (RuntimeError, OverflowError, ValueError, TypeError, MemoryError):  # sizes torch cannot even describe
        parameters = 2**62
    return 16 * parameters, 16 * config.log_every


def check_memory(config: GanConfig, data: TensorData, device: torch.device) -> None:
    """Refuse a run whose models or losses window cannot fit in the device's free memory, before allocating."""
    models, window = memory_needed(config, data)
    free = _free_memory(device)
    if free is None or models + window <= free:
        return
    field = "log_every" if window > models else "hidden"
    raise InvalidSetting(field, f"the run would need about {_bytes_text(models + window)} (models "
                         f"{_bytes_text(models)}, losses window {_bytes_text(window)}) but {device} has "
                         f"{_bytes_text(free)} free; use a smaller --{field.replace('_', '-')}")


def _free_memory(device: torch.device) -> int | None:
    try:
        if device.type == "cuda":
            return torch.cuda.mem_get_info(device)[0]
        pages = os.sysconf("SC_AVPHYS_PAGES") if "SC_AVPHYS_PAGES" in os.sysconf_names else os.sysconf("SC_PHYS_PAGES")
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, RuntimeError):
        return None


def _bytes_text(count: float) -> str:
    units = ("bytes", "KB", "MB", "GB", "TB", "PB")
    power = 0
    while count >= 1024 and power < len(units) - 1:
        count, power = count / 1024, power + 1
    return f"{count:,.0f} bytes" if power == 0 else f"{count:,.1f} {units[power]}"


class Trainer:
    """Models, optimisers, data and counters of one run; `run()` trains until done, stopped or failed."""

    def __init__(self, config: GanConfig, data: TensorData, run: RunDir | None = None,
                 checkpoint: dict[str, Any] | None = None):
        if config.conditional and data.num_classes == 0:
            raise InvalidSetting("conditional", f"{data.name} has no labels to condition on")
        self.config, self.run_dir = config, run
        self.device = resolve_device(config.device)
        if self.device.type != "cuda" and config.precision != "fp32":
            raise InvalidSetting("precision",
                                 f"{config.precision} mixed precision runs on CUDA only; this run is on {self.device}")
        check_memory(config, data, self.device)
        keep_freed_memory()
        torch.manual_seed(config.seed)
        generator, discriminator = build_models(config, data.shape, data.num_classes)
        self.generator = generator.to(self.device)
        self.discriminator = None if discriminator is None else discriminator.to(self.device)
        # the training passes may run compiled; sampling, evaluation and checkpoints use the modules themselves
        # (the same parameters), so a checkpoint does not depend on the setting
        self._train_g, self._train_d = self.generator, self.discriminator
        if config.compile:
            self._train_g = torch.compile(self.generator, backend=COMPILE_BACKEND)
            if self.discriminator is not None and config.objective not in SECOND_ORDER:
                self._train_d = torch.compile(self.discriminator, backend=COMPILE_BACKEND)
        self.opt_g = make_optimizer(config, self.generator.parameters(), config.effective("lr_g"), self.device)
        self.opt_d = None if discriminator is None else make_optimizer(
            config, self.discriminator.parameters(), config.effective("lr_d"), self.device)
        self.objective = make_objective(config, self.opt_d)
        fp16 = config.precision == "fp16"
        self.scaler_g = torch.amp.GradScaler(self.device.type, enabled=fp16)
        self.scaler_d = torch.amp.GradScaler(self.device.type, enabled=fp16)
        self.sampler = BatchSampler(data, config.batch, self.device, config.seed)
        self.d_steps = config.effective("d_steps") if self.discriminator is not None else 0
        batches_per_step = self.d_steps or config.g_steps  # mse draws a real batch per G update
        self.images_per_step = batches_per_step * config.batch
        self.steps_per_epoch = self.sampler.per_epoch / batches_per_step
        self.total_steps = total_steps(config, self.steps_per_epoch)
        self.step, self.elapsed = 0, 0.0
        self._fixed_noise, self._fixed_labels, self._grid_columns = self._make_fixed_noise(data)
        self._cloud = data.x[:SCATTER_POINTS * 4] if not data.is_image else None
        self._extent = 1.25 * float(data.x.abs().max()) if not data.is_image else 0.0
        self._window = torch.zeros(config.log_every, len(_COLUMNS), device=self.device)
        self._no_d_stats = torch.zeros(3, device=self.device)
        self.evaluator = Evaluator(config, data, self.device)
        if checkpoint is not None:
            self.load_state_dict(checkpoint)

    # --- the loop -------------------------------------------------------------------------------------

    def run(self, sinks: Sequence[Sink], control: Control | None = None) -> Finished | Failed:
        """Train to the end, a stop request or a failure; every event goes to every sink (and to
        metrics.jsonl and status.json when the trainer has a run directory)."""
        control = control or Control()
        if self.run_dir is not None:
            sinks = [MetricsWriter(self.run_dir), StatusWriter(self.run_dir), *sinks]

        def emit(event: Event) -> None:
            for sink in sinks:
                sink(event)

        try:
            try:
                return self._loop(emit, control)
            except KeyboardInterrupt:  # a second signal after the final checkpoint: say so, then go
                emit(Finished(self.step, "interrupted"))
                raise
            except NonFiniteLoss as error:
                failure = Failed(error.step, str(error))
            except Exception as error:  # noqa: BLE001 - a failed run is a result to show, not a crash
                failure = _failure(self.step, error, self.run_dir)
            emit(failure)
            return failure
        finally:
            if self.run_dir is not None:
                self.run_dir.release()

    def _loop(self, emit: Sink, control: Control) -> Finished:
        config = self.config
        emit(Started(self.step, self.total_steps, self.steps_per_epoch, str(self.device),
                     None if self.run_dir is None else str(self.run_dir.path), config.to_dict()))
        for event in self.evaluator.status_events(self.step):
            emit(event)
        self._started, self._paused_for = time.perf_counter(), 0.0
        self._checkpointed_at = self.elapsed
        self._open_window()
        self._sampled_at = -1
        epochs_done = self.sampler.drawn // self.sampler.per_epoch
        reason = "completed"
        while self.step < self.total_steps:
            if control.stop_requested():
                reason = control.reason
                break
            if control.paused():
                self._report(emit)
                pause_began = time.perf_counter()
                control.wait_while_paused()
                self._paused_for += time.perf_counter() - pause_began
                self._open_window()
                continue
            self._train_step()
            self.step += 1
            if self._filled == config.log_every or time.perf_counter() - self._window_began >= REPORT_SECONDS:
                self._report(emit)
            epoch_ended = epochs_done < self.sampler.drawn // self.sampler.per_epoch
            while epochs_done < self.sampler.drawn // self.sampler.per_epoch:
                epochs_done += 1
                emit(EpochEnd(epochs_done, self.step))
                self.evaluator.epoch_ended()
                if epochs_done in config.sample_epochs:
                    self._emit_samples(emit)
            if self.evaluator.due(self.step, self._training_time(time.perf_counter())):
                self._evaluate(emit)
            if config.sample_every and self.step % config.sample_every == 0:
                self._emit_samples(emit)
            if self.step < self.total_steps and self._checkpoint_due(epoch_ended):
                self._save_checkpoint(emit)
        self._report(emit)
        # the final checkpoint comes first: samples and evaluation are worth less than the run, and a second
        # Ctrl+C is held back until the checkpoint is on disk (see control.stop_on_signals)
        self._save_checkpoint(emit, ending=reason)
        control.final_checkpoint_written()
        self._emit_samples(emit)
        self._evaluate(emit)
        for event in self.evaluator.status_events(self.step):
            emit(event)
        finished = Finished(self.step, reason)
        emit(finished)
        return finished

    def _checkpoint_due(self, epoch_ended: bool) -> bool:
        """Every checkpoint_every steps when set; else by the clock (CHECKPOINT_SECONDS of training, or an
        epoch's end EPOCH_CHECKPOINT_SECONDS after the last checkpoint)."""
        if self.config.checkpoint_every:
            return self.step % self.config.checkpoint_every == 0
        since = self._training_time(time.perf_counter()) - self._checkpointed_at
        return since >= CHECKPOINT_SECONDS or (epoch_ended and since >= EPOCH_CHECKPOINT_SECONDS)

    def _train_step(self) -> None:
        """One round: d_steps D updates, then g_steps G updates; the step's statistics go to the window."""
        generator, discriminator, objective = self._train_g, self._train_d, self.objective
        d_stats = self._no_d_stats
        real = labels = reused = None  # reused: the last D step's fakes, with G's graph, for G's first update
        if discriminator is not None:
            for index in range(self.d_steps):
                real, labels = self.sampler.next()
                # the last D step's fakes keep G's graph and serve G's first step too (as pytorch/examples
                # does): one generator forward a step fewer, the same gradient in expectation
                keep_graph = objective.g_reuses_d_fakes and index == self.d_steps - 1
                with torch.set_grad_enabled(keep_graph), self._autocast():
                    fake = generator(self._noise(len(real)), labels)
                with self._autocast():
                    result = objective.discriminator_loss(discriminator, real, fake.detach(), labels)
                if keep_graph:
                    reused = fake
                self.opt_d.zero_grad(set_to_none=True)
                self.scaler_d.scale(result.loss).backward()
                self.scaler_d.step(self.opt_d)
                self.scaler_d.update()
                objective.after_discriminator_step(self.discriminator)
                stats = torch.stack([result.loss.detach().float(), result.d_real, result.d_fake])
                d_stats = stats if index == 0 else d_stats + stats
            d_stats = d_stats / self.d_steps
            self.discriminator.requires_grad_(False)
        g_total = None
        for _ in range(self.config.g_steps):
            if discriminator is None:
                real, labels = self.sampler.next()
            with self._autocast():
                fake = reused if reused is not None else generator(self._noise(len(real)), labels)
                g_loss = objective.generator_loss(discriminator, fake, labels, real)
            reused = None
            self.opt_g.zero_grad(set_to_none=True)
            self.scaler_g.scale(g_loss).backward()
            self.scaler_g.step(self.opt_g)
            self.scaler_g.update()
            g_total = g_loss.detach().float() if g_total is None else g_total + g_loss.detach().float()
        if discriminator is not None:
            self.discriminator.requires_grad_(True)
        self._window[self._filled] = torch.cat([d_stats[:1], (g_total / self.config.g_steps)[None], d_stats[1:]])
        self._filled += 1

    def _noise(self, count: int) -> torch.Tensor:
        return torch.randn(count, self.config.z_dim, device=self.device)

    def _autocast(self) -> Any:
        if self.config.precision == "fp32":
            return nullcontext()
        return torch.autocast(self.device.type, dtype=_AUTOCAST_DTYPES[self.config.precision])

    # --- reading the window ---------------------------------------------------------------------------

    def _open_window(self) -> None:
        self._filled, self._window_began = 0, time.perf_counter()

    def _report(self, emit: Sink) -> None:
        """Read the steps since the last report (the only host sync) and emit their means as Progress."""
        if self._filled == 0:
            return
        values = self._window[: self._filled].cpu()
        first_step = self.step - self._filled + 1
        checked = _COLUMNS if self.discriminator is not None else ("g_loss",)
        bad = [(int(row), column) for column in checked
               for row in torch.nonzero(~torch.isfinite(values[:, _COLUMNS.index(column)]))[:1]]
        if bad:
            row, column = min(bad, key=lambda item: (item[0], _COLUMNS.index(item[1])))
            value = float(values[row, _COLUMNS.index(column)])
            raise NonFiniteLoss(f"{column} became {value} at step {first_step + row}; the run stops there "
                                "(try a smaller learning rate)", first_step + row)
        means = values.double().mean(dim=0).tolist()
        now = time.perf_counter()
        d_loss, g_loss, d_real, d_fake = means
        has_d = self.discriminator is not None
        emit(Progress(
            step=self.step, epoch=self.sampler.epoch, time=self._training_time(now),
            d_loss=d_loss if has_d else None, g_loss=g_loss,
            d_real=d_real if has_d else None, d_fake=d_fake if has_d else None,
            images_per_s=self._filled * self.images_per_step / max(now - self._window_began, 1e-9),
        ))
        for event in self.evaluator.status_events(self.step):
            emit(event)
        self._open_window()

    def _training_time(self, now: float) -> float:
        return self.elapsed + now - self._started - self._paused_for

    # --- samples and checkpoints ----------------------------------------------------------------------

    def _make_fixed_noise(self, data: TensorData) -> tuple[torch.Tensor, torch.Tensor | None, int]:
        """The noise every sample grid uses: 8x8 images, 10 per class when conditional, 1000 points in 2-D."""
        rng = torch.Generator().manual_seed(self.config.seed + 1)
        labels = None
        if not data.is_image:
            count, columns = SCATTER_POINTS, 0
        elif self.config.conditional:
            count, columns = data.num_classes * 10, 10
            labels = (torch.arange(count) // 10).to(self.device)  # row k shows class k
        else:
            count, columns = 64, 8
        return torch.randn(count, self.config.z_dim, generator=rng).to(self.device), labels, columns

    @torch.inference_mode()
    def sample(self) -> tuple[torch.Tensor, torch.Tensor]:
        """G's output on the fixed noise (eval mode: BatchNorm's running statistics, no state change)
        and its picture, a (3, H, W) tensor in [0, 1]; for 2-D data over a heat map of D's output."""
        self.generator.eval()
        try:
            output = self.generator(self._fixed_noise, self._fixed_labels).float().cpu()
        finally:
            self.generator.train()
        if self._cloud is None:
            return output, image_grid(output, self._grid_columns)
        background = None
        if self.discriminator is not None:  # GAN Lab's view: what D thinks of every point, behind the samples
            heat = discriminator_map(self.discriminator, self.config.objective, self._extent, SCATTER_SIZE)
            background = heat_picture(heat)
        return output, scatter_plot(output, self._cloud, self._extent, background=background)

    def _emit_samples(self, emit: Sink) -> None:
        if self._sampled_at == self.step:
            return
        self._report(emit)  # losses are checked first: a NaN stops the run before it is drawn, scored or saved
        began = time.perf_counter()
        output, picture = self.sample()
        path = None
        if self.run_dir is not None:
            path = self.run_dir.sample_path(self.step)
            save_image(picture, path)
        points = output.numpy() if self._cloud is not None else None
        emit(Samples(self.step, self.sampler.epoch, to_uint8(picture), None if path is None else str(path), points))
        self._sampled_at = self.step
        self._window_began += time.perf_counter() - began  # images/s measures training only

    def _evaluate(self, emit: Sink) -> None:
        self._report(emit)
        began = time.perf_counter()
        evaluation = self.evaluator.evaluate(self.generator, self.step, self.sampler.epoch, self._training_time(began))
        if evaluation is not None:
            emit(evaluation)
        self._window_began += time.perf_counter() - began  # images/s measures training only

    def _save_checkpoint(self, emit: Sink, ending: str | None = None) -> None:
        if self.run_dir is None:
            return
        self._report(emit)
        began = time.perf_counter()
        self.elapsed = self._checkpointed_at = self._training_time(began)
        self._started, self._paused_for = began, 0.0
        path = self.run_dir.save_checkpoint(self.state_dict())
        emit(CheckpointSaved(self.step, str(path), ending))
        self._window_began += time.perf_counter() - began

    def state_dict(self) -> dict[str, Any]:
        """Everything a resume needs to continue exactly: models, optimisers, data order, RNG streams."""
        d, opt_d = self.discriminator, self.opt_d
        rng = {"cpu": torch.get_rng_state()}
        if self.device.type == "cuda":
            rng["cuda"] = torch.cuda.get_rng_state(self.device)
        return {
            "step": self.step, "elapsed": self.elapsed, "config": self.config.to_dict(),
            "generator": self.generator.state_dict(), "discriminator": None if d is None else d.state_dict(),
            "opt_g": self.opt_g.state_dict(), "opt_d": None if opt_d is None else opt_d.state_dict(),
            "scaler_g": self.scaler_g.state_dict(), "scaler_d": self.scaler_d.state_dict(),
            "sampler": self.sampler.state_dict(), "rng": rng,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        try:
            self.generator.load_state_dict(state["generator"])
            self.opt_g.load_state_dict(state["opt_g"])
            if self.discriminator is not None:
                self.discriminator.load_state_dict(state["discriminator"])
                self.opt_d.load_state_dict(state["opt_d"])
            self.scaler_g.load_state_dict(state["scaler_g"])
            self.scaler_d.load_state_dict(state["scaler_d"])
            self.sampler.load_state_dict(state["sampler"])
            self.step, self.elapsed = int(state["step"]), float(state["elapsed"])
            torch.set_rng_state(state["rng"]["cpu"])
            if self.device.type == "cuda" and "cuda" in state["rng"]:
                torch.cuda.set_rng_state(state["rng"]["cuda"], self.device)
        except (KeyError, TypeError, ValueError, RuntimeError, AttributeError) as error:
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise InvalidSetting("resume",
                                 f"the checkpoint does not fit this run's models and settings ({first})") from None


def open_training(config: GanConfig, out: str | os.PathLike | None = None,
                  resume: str | os.PathLike | None = None) -> Trainer:
    """A Trainer for a new run in `out` (default runs/<date-time>-...), or continuing the run in `resume`.

    Everything that can fail on a user's input fails here, before any training, as InvalidSetting: data
    files, device, an existing, foreign or unreadable run folder, a folder another process is writing, a
    corrupt, damaged or foreign checkpoint, damaged metrics, a run already past its end. Nothing on disk
    changes until all of that has passed: a new run folder is created last, and a resume rewrites config.json
    and cuts metrics.jsonl back to its checkpoint only then. The run folder stays locked to this process
    until the run ends. `config` for a resume is the run's own config with its end possibly extended; a run
    killed before its first checkpoint starts again from step 0.
    """
    if resume is None:
        path = RunDir.check_new(out) if out is not None else default_run_path(config)
        trainer = Trainer(config, _load(config))
        trainer.run_dir = RunDir.create(path, config)
        return trainer
    run = RunDir.open(resume)
    run.lock_for_writing()  # first: nobody may change the folder while it is checked
    try:
        checkpoint = run.load_checkpoint(config) if run.checkpoint_file.exists() else None
        run.read_metrics(strict=True)
        trainer = Trainer(config, _load(config), run, checkpoint)
        if trainer.step >= trainer.total_steps:
            raise InvalidSetting("max_steps" if trainer.total_steps == config.max_steps else "epochs",
                                 f"{run.path} is already at step {trainer.step} of {trainer.total_steps}; "
                                 "give a larger --max-steps or --epochs to extend it")
        run.write_config(config)
        run.truncate_metrics(trainer.step)
    except BaseException:
        run.release()
        raise
    return trainer


def _load(config: GanConfig) -> TensorData:
    return load_data(config.data, config.data_dir, seed=config.seed, download=config.download)


def _failure(step: int, error: Exception, run: RunDir | None) -> Failed:
    """The Failed event for an unexpected error; a full disk is a message, not a traceback."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        where = f" writing {error.filename}" if error.filename else ""
        kept = ("the last checkpoint is kept" if run is not None and run.checkpoint_file.exists()
                else "no checkpoint was written")
        return Failed(step, f"no space left on device{where}; {kept}. Free some space, then continue with "
                      f"--resume {run.path}" if run is not None else f"no space left on device{where}")
    return Failed(step, f"{type(error).__name__}: {error}", traceback.format_exc())
