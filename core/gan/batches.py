"""Mini-batches drawn from a data set held on the training device, by a random permutation per epoch.

No DataLoader, no worker processes: the whole set is one tensor, so a batch is one index_select. The
last partial batch of each epoch is dropped, so every batch has the same shape.
"""

from __future__ import annotations

from typing import Any

import torch

from core.errors import InvalidSetting
from core.gan.data import TensorData


class BatchSampler:
    def __init__(self, data: TensorData, batch: int, device: torch.device, seed: int):
        if batch > len(data.x):
            raise InvalidSetting("batch", f"must be at most the {len(data.x)} samples of {data.name} (got {batch})")
        self.x = data.x.to(device)
        self.y = None if data.y is None else data.y.to(device)
        self.batch = batch
        self.per_epoch = len(data.x) // batch
        self.drawn = 0  # batches drawn since the run started
        self._generator = torch.Generator().manual_seed(seed)
        self._order = self._shuffle()

    @property
    def epoch(self) -> float:
        """Passes over the data so far, fractional."""
        return self.drawn / self.per_epoch

    def next(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The next batch (x, y); y is None for unlabelled data."""
        position = self.drawn % self.per_epoch
        if position == 0 and self.drawn > 0:
            self._order = self._shuffle()
        self.drawn += 1
        index = self._order[position * self.batch : (position + 1) * self.batch]
        return self.x[index], None if self.y is None else self.y[index]

    def _shuffle(self) -> torch.Tensor:
        return torch.randperm(len(self.x), generator=self._generator).to(self.x.device)

    def state_dict(self) -> dict[str, Any]:
        return {"drawn": self.drawn, "generator": self._generator.get_state(), "order": self._order.cpu()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if len(state["order"]) != len(self.x):
            raise InvalidSetting("resume", f"the checkpoint was trained on {len(state['order'])} samples, "
                                 f"but {self.x.shape[0]} are loaded now")
        self.drawn = state["drawn"]
        self._generator.set_state(state["generator"])
        self._order = state["order"].to(self.x.device)
