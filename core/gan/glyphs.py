"""Procedurally drawn digit-like glyphs: a 10-class, 28x28 grayscale set that needs no files.

Each digit is a few pen strokes through control points in a template box [-1, 1]^2 (x right, y up).
A stroke is a polyline ("line"), an open Catmull-Rom spline ("curve") or a closed one ("loop"). Every
point along a stroke is a fixed linear combination of the control points, so one matrix per template,
`basis` (points x controls), turns jittered control points into pen positions for a whole batch with a
single batched matmul. The pen positions then go through a random affine map (rotation, slant, scale,
shift) and a smooth wobble, and are rendered as a sum of isotropic Gaussians,

    ink(r, c) = sum_k exp(-((r - y_k)^2 + (c - x_k)^2) / (2 s^2)) = (Gy^T Gx)[r, c],

which separates into two (points x 28) factors, so a batch renders as another batched matmul. Points are
spaced well under s apart, so ink is constant along a stroke and falls off across it like a soft pen;
intensity = 1 - exp(-gain * ink / ink_on_a_line) saturates where strokes cross. Pixel units throughout
the rendering: one template unit is 8.5 pixels, the image centre is (13.5, 13.5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

IMAGE_SIZE = 28
PIXELS_PER_UNIT = 8.5
POINT_SPACING = 0.08  # template units between pen points, 0.68 px at scale 1: close enough for a smooth stroke

# Each template: (digit, strokes); a stroke is (kind, control points). Several templates per digit
# are different ways people write it (a 7 with or without a bar, an open or closed 4).
Stroke = tuple[str, tuple[tuple[float, float], ...]]
TEMPLATES: tuple[tuple[int, tuple[Stroke, ...]], ...] = (
    (0, (("loop", ((0.0, 1.0), (-0.5, 0.65), (-0.62, 0.0), (-0.5, -0.65), (0.0, -1.0),
                   (0.5, -0.65), (0.62, 0.0), (0.5, 0.65))),)),
    (1, (("line", ((0.05, 1.0), (0.0, -1.0))),)),
    (1, (("line", ((-0.2, 0.75), (0.1, 1.0), (0.1, -1.0))),)),
    (2, (("curve", ((-0.5, 0.55), (-0.2, 0.95), (0.3, 0.95), (0.52, 0.55), (0.35, 0.05),
                    (-0.55, -1.0))),
         ("line", ((-0.55, -1.0), (0.6, -1.0))))),
    (2, (("curve", ((-0.5, 0.55), (-0.2, 0.95), (0.3, 0.95), (0.52, 0.55), (0.35, 0.05),
                    (-0.5, -0.85), (-0.3, -0.62), (-0.15, -0.95), (0.6, -1.0))),)),
    (3, (("curve", ((-0.5, 0.75), (0.0, 1.0), (0.45, 0.75), (0.4, 0.25), (-0.1, 0.05))),
         ("curve", ((-0.1, 0.05), (0.45, -0.15), (0.55, -0.65), (0.05, -1.0), (-0.55, -0.75))))),
    (4, (("line", ((-0.05, 1.0), (-0.6, -0.3), (0.6, -0.3))),
         ("line", ((0.3, 0.55), (0.3, -1.0))))),
    (4, (("line", ((0.3, -1.0), (0.3, 1.0), (-0.6, -0.3), (0.6, -0.3))),)),
    (5, (("line", ((0.5, 1.0), (-0.35, 1.0), (-0.45, 0.15))),
         ("curve", ((-0.45, 0.15), (0.1, 0.35), (0.55, 0.0), (0.45, -0.7), (-0.05, -1.0),
                    (-0.55, -0.75))))),
    (6, (("curve", ((0.45, 0.95), (-0.05, 0.9), (-0.45, 0.35), (-0.55, -0.4), (-0.2, -1.0),
                    (0.35, -0.9), (0.5, -0.4), (0.15, -0.1), (-0.3, -0.2), (-0.52, -0.5))),)),
    (7, (("line", ((-0.65, 0.95), (0.6, 1.0), (-0.3, -1.0))),)),
    (7, (("line", ((-0.65, 0.95), (0.6, 1.0))),
         ("curve", ((0.6, 1.0), (0.2, 0.1), (-0.1, -1.0))))),
    (7, (("line", ((-0.65, 0.95), (0.6, 1.0), (-0.3, -1.0))),
         ("line", ((-0.25, 0.05), (0.45, 0.05))))),
    (8, (("loop", ((0.0, 0.05), (-0.4, 0.5), (0.0, 1.0), (0.4, 0.5), (0.0, 0.05),
                   (-0.5, -0.5), (0.0, -1.0), (0.5, -0.5))),)),
    (9, (("loop", ((0.45, 0.5), (0.0, 1.0), (-0.45, 0.55), (-0.15, 0.1), (0.45, 0.4))),
         ("line", ((0.45, 0.5), (0.2, -1.0))))),
    (9, (("loop", ((0.45, 0.5), (0.0, 1.0), (-0.45, 0.55), (-0.15, 0.1), (0.45, 0.4))),
         ("curve", ((0.45, 0.5), (0.4, -0.4), (0.1, -1.0), (-0.35, -0.85))))),
)


@dataclass(frozen=True)
class TemplateBasis:
    """All templates as padded tensors: pen points = basis @ controls."""

    digit: torch.Tensor     # (T,) int64, the class of each template
    controls: torch.Tensor  # (T, C, 2) control points, zero-padded
    basis: torch.Tensor     # (T, K, C) weights of each pen point on the controls, zero rows pad
    mask: torch.Tensor      # (T, K) 1 for a real pen point, 0 for padding


def _catmull_rom_weights(t: np.ndarray) -> np.ndarray:
    """Uniform Catmull-Rom weights on (P[i-1], P[i], P[i+1], P[i+2]) for t in [0, 1]: shape (len(t), 4)."""
    t2, t3 = t * t, t * t * t
    return 0.5 * np.stack([-t3 + 2 * t2 - t, 3 * t3 - 5 * t2 + 2, -3 * t3 + 4 * t2 + t, t3 - t2], axis=1)


def _stroke_weights(kind: str, count: int, fine: int = 64) -> np.ndarray:
    """Densely sampled weights (samples, count) of a stroke's points on its own control points."""
    eye = np.eye(count)
    if kind == "line":
        t = np.linspace(0.0, 1.0, fine)[:, None]
        pieces = [(1 - t) * eye[i] + t * eye[i + 1] for i in range(count - 1)]
        return np.concatenate(pieces)
    if kind == "loop":
        neighbours = [[(i - 1) % count, i, (i + 1) % count, (i + 2) % count] for i in range(count)]
        rows = [eye[n] for n in neighbours]
    else:  # an open curve: phantom end points P[-1] = 2 P[0] - P[1] keep the ends straight-ish
        padded = np.concatenate([2 * eye[:1] - eye[1:2], eye, 2 * eye[-1:] - eye[-2:-1]])
        rows = [padded[i:i + 4] for i in range(count - 1)]
    weights = _catmull_rom_weights(np.linspace(0.0, 1.0, fine, endpoint=kind != "loop"))
    return np.concatenate([weights @ r for r in rows])


def _resample_evenly(weights: np.ndarray, controls: np.ndarray) -> np.ndarray:
    """Rows of `weights` interpolated at equal arc-length steps of POINT_SPACING along the stroke."""
    points = weights @ controls
    arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    targets = np.linspace(0.0, arc[-1], max(2, int(np.ceil(arc[-1] / POINT_SPACING)) + 1))
    return np.stack([np.interp(targets, arc, column) for column in weights.T], axis=1)


def build_basis() -> TemplateBasis:
    """Turn TEMPLATES into padded basis tensors; shared control points join strokes."""
    per_template = []
    for _, strokes in TEMPLATES:
        unique: list[tuple[float, float]] = []
        for _, points in strokes:
            unique += [p for p in points if p not in unique]
        controls = np.array(unique)
        rows = []
        for kind, points in strokes:
            index = [unique.index(p) for p in points]
            local = _stroke_weights(kind, len(points))
            spread = np.zeros((local.shape[0], len(unique)))
            np.add.at(spread.T, index, local.T)  # a loop may pass one control point twice
            rows.append(_resample_evenly(spread, controls))
        per_template.append((controls, np.concatenate(rows)))
    T = len(TEMPLATES)
    C = max(c.shape[0] for c, _ in per_template)
    K = max(b.shape[0] for _, b in per_template)
    controls = np.zeros((T, C, 2))
    basis = np.zeros((T, K, C))
    mask = np.zeros((T, K))
    for t, (c, b) in enumerate(per_template):
        controls[t, : c.shape[0]] = c
        basis[t, : b.shape[0], : b.shape[1]] = b
        mask[t, : b.shape[0]] = 1.0
    return TemplateBasis(
        digit=torch.tensor([d for d, _ in TEMPLATES]),
        controls=torch.tensor(controls, dtype=torch.float32),
        basis=torch.tensor(basis, dtype=torch.float32),
        mask=torch.tensor(mask, dtype=torch.float32),
    )


def _random_affine(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-image 2x2 maps (template units -> pixels, y flipped to rows) and pixel offsets."""
    angle = rng.normal(0.0, 0.12, n)                  # radians, about 7 degrees
    slant = rng.normal(0.15, 0.18, n)                  # handwriting leans right more often than left
    width = rng.uniform(0.85, 1.3, n)
    height = rng.uniform(0.9, 1.05, n)
    cos, sin = np.cos(angle), np.sin(angle)
    rotate = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], -2)
    shear = np.zeros((n, 2, 2))
    shear[:, 0, 0] = 1.0
    shear[:, 0, 1] = slant
    shear[:, 1, 1] = 1.0
    scale = np.zeros((n, 2, 2))
    scale[:, 0, 0] = width * PIXELS_PER_UNIT
    scale[:, 1, 1] = -height * PIXELS_PER_UNIT        # template y is up, image rows go down
    linear = rotate @ shear @ scale
    offset = (IMAGE_SIZE - 1) / 2 + rng.normal(0.0, 0.8, (n, 2))
    return linear, offset


def _pen_profile(coordinate: torch.Tensor, radius: torch.Tensor) -> torch.Tensor:
    """exp(-(coordinate - pixel)^2 / (2 radius^2)) for every pixel index: (B, K) -> (B, K, 28), in place."""
    profile = coordinate[..., None] - torch.arange(IMAGE_SIZE, dtype=torch.float32)
    profile.square_().mul_(-0.5 / radius[:, None, None] ** 2)
    # exp is several times slower on large negative arguments; exp(-20) = 2e-9 is no ink already
    return profile.clamp_min_(-20.0).exp_()


def render_glyphs(labels: torch.Tensor, rng: np.random.Generator, chunk: int = 1024) -> torch.Tensor:
    """Draw one glyph per label: (N,) int64 -> (N, 1, 28, 28) float32 ink in [0, 1].

    All randomness is drawn up front from `rng`, so the result depends on the seed only, not on `chunk`.
    """
    templates = build_basis()
    n = labels.shape[0]
    as_float = lambda a: torch.as_tensor(a, dtype=torch.float32)  # noqa: E731
    choice = _choose_templates(templates.digit, labels, rng)
    controls = templates.controls[choice] + as_float(rng.normal(0.0, 0.08, (n,) + templates.controls.shape[1:]))
    linear, offset = _random_affine(rng, n)
    wobble_amplitude = as_float(rng.normal(0.0, 0.6, (n, 1, 2)))  # pixels: a smooth sine warp of the glyph
    wobble_phase = as_float(rng.uniform(0.0, 2 * np.pi, (n, 1, 2)))
    pen = rng.uniform(0.45, 0.8, n)                                   # pen radius s in pixels
    gain = rng.uniform(5.0, 10.0, n)
    # along a straight stroke, Gaussians spaced h apart sum to sqrt(2 pi) s / h on the stroke's centre line
    spacing = POINT_SPACING * np.sqrt(np.abs(np.linalg.det(linear)))
    level = as_float(gain * spacing / (np.sqrt(2 * np.pi) * pen))[:, None, None]
    linear, offset, pen = as_float(linear), as_float(offset)[:, None], as_float(pen)

    out = torch.empty((n, 1, IMAGE_SIZE, IMAGE_SIZE), dtype=torch.float32)
    for start in range(0, n, chunk):
        s = slice(start, min(n, start + chunk))
        t = choice[s]
        points = torch.bmm(templates.basis[t], controls[s])                     # (B, K, 2) template units
        xy = torch.bmm(points, linear[s].transpose(1, 2)) + offset[s]           # (B, K, 2) pixels (col, row)
        # wobble: each coordinate shifted by a slow sine of the other, a cheap smooth warp
        xy += wobble_amplitude[s] * torch.sin(xy.flip(-1) * (2 * np.pi / IMAGE_SIZE) + wobble_phase[s])
        xy.masked_fill_(templates.mask[t][..., None] == 0, -1e3)               # padding draws nothing
        columns = _pen_profile(xy[..., 0], pen[s])
        rows = _pen_profile(xy[..., 1], pen[s])
        ink = torch.bmm(rows.transpose(1, 2), columns)                           # (B, 28, 28)
        out[s, 0] = 1.0 - torch.exp(-level[s] * ink)
    return out


def _choose_templates(digit: torch.Tensor, labels: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """A random template of each label's digit, uniformly among that digit's variants."""
    by_digit = torch.argsort(digit, stable=True)
    counts = torch.bincount(digit, minlength=10)
    first = torch.cumsum(counts, 0) - counts
    pick = torch.as_tensor(rng.random(labels.shape[0]), dtype=torch.float32)
    offset = torch.clamp((pick * counts[labels]).long(), max=counts[labels] - 1)
    return by_digit[first[labels] + offset]
