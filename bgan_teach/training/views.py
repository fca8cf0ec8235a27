r"""``BoundaryView``: what the 2-D displays draw, computed from a :class:`ContinuousGAN` as plain arrays.

A *state* is a dict of numpy arrays: the critic response on a grid, the decision boundary $w = 1$ as
polylines, the generated points of the fixed display noise, the gradient arrows $-\nabla_x\ell_G$ on them
(on one fixed length scale, see :meth:`BoundaryView.arrows`), and the generator manifold. Pass ``snapshot_fn=view.state`` to the trainer and every snapshot stores one, so
a display (:class:`~bgan_teach.plotting.boundary.BoundaryDisplay`) only mutates artists when a slider moves.
"""
from __future__ import annotations

import contourpy
import numpy as np
import torch

from .._checks import choice, positive_float, positive_int

__all__ = ["BoundaryView", "RESPONSES"]

RESPONSES = {"D": (0.0, 1.0, r"$D(x)=\sigma(V)$"), "log_w": (-5.0, 5.0, r"$\log w(x)$ (clipped)")}


def _device(module) -> torch.device:
    """Where a module's parameters live (CPU for a parameter-free function)."""
    params = getattr(module, "parameters", None)
    first = next(iter(params()), None) if callable(params) else None
    return first.device if first is not None else torch.device("cpu")


class BoundaryView:
    """A square grid over ``extent`` and the sizes of what is drawn on it (arrows, manifold lines)."""

    def __init__(self, extent, n_grid: int = 60, response: str = "D", n_arrows: int = 64,
                 n_manifold: int = 11, arrow_length: float = 0.5, arrow_scale: float = 1.0):
        self.response = choice(response, RESPONSES, "response")
        self.arrow_length = positive_float(arrow_length, "arrow_length")
        self.arrow_scale = positive_float(arrow_scale, "arrow_scale")
        if len(extent) != 4 or not (extent[0] < extent[1] and extent[2] < extent[3]):
            raise ValueError(f"extent must be (xmin, xmax, ymin, ymax) with min < max; got {extent!r}")
        self.extent, self.n_grid = tuple(float(e) for e in extent), positive_int(n_grid, "n_grid", 2)
        self.n_arrows, self.n_manifold = n_arrows, n_manifold
        xs = np.linspace(self.extent[0], self.extent[1], n_grid)
        ys = np.linspace(self.extent[2], self.extent[3], n_grid)
        self.xx, self.yy = np.meshgrid(xs, ys)                                   # (G, G) each, row = y
        self.grid_points = torch.from_numpy(np.stack([self.xx.ravel(), self.yy.ravel()], 1)).float()

    @torch.no_grad()
    def critic_grid(self, critic, divergence) -> tuple[np.ndarray, np.ndarray]:
        """(log w, response) on the grid, each (G, G). D = σ(V) is only drawn, never logged."""
        v = critic(self.grid_points.to(_device(critic))).cpu().view(self.n_grid, self.n_grid)   # (G, G)
        log_w = divergence.log_weight(v).double().numpy()
        if self.response == "D":
            return log_w, torch.sigmoid(v).double().numpy()
        return log_w, np.clip(log_w, *RESPONSES["log_w"][:2])

    def boundary_segments(self, log_w: np.ndarray) -> list[np.ndarray]:
        """Polylines of the level set log w = 0 (w = 1) on the grid, each (P, 2)."""
        gen = contourpy.contour_generator(self.xx, self.yy, log_w, line_type="Separate")
        return [seg for seg in gen.lines(0.0) if len(seg) > 1]

    @torch.no_grad()
    def manifold_lines(self, generator) -> np.ndarray:
        """G applied to a square noise grid in the first two noise coordinates: (2L, P, 2) polylines.

        With a component code (``generator.components = K > 0``) each component has its own patch of
        the manifold: a smaller grid (5 lines of 11 points each way) for up to 16 evenly chosen components.
        """
        k = getattr(generator, "components", 0)
        n_lines, n_points, half = (self.n_manifold, 41, 2.5) if not k else (5, 11, 2.0)
        t, s = torch.linspace(-half, half, n_lines), torch.linspace(-half, half, n_points)
        a, b = torch.meshgrid(t, s, indexing="ij")                            # (L, P)
        eps = torch.zeros(2, n_lines, n_points, generator.noise_dim)
        eps[0, ..., 0], eps[0, ..., 1] = a, b
        if generator.noise_dim > 1:
            eps[1, ..., 0], eps[1, ..., 1] = b, a
        eps = eps.view(-1, generator.noise_dim)                                 # (2·L·P, d_z)
        dev = _device(generator)
        if not k:
            return generator(eps.to(dev)).cpu().view(2 * n_lines, n_points, -1)[..., :2].numpy()
        shown = torch.linspace(0, k - 1, min(k, 16)).round().long()            # (C,)
        comp = shown.repeat_interleave(len(eps))                               # (C·2·L·P,)
        z = generator.inputs(eps.repeat(len(shown), 1), comp).to(dev)
        return generator(z).cpu().view(len(shown) * 2 * n_lines, n_points, -1)[..., :2].numpy()

    def arrow_vectors(self, grad: np.ndarray) -> np.ndarray:
        r"""Arrows (A, 2) for gradients ``grad`` (A, 2) on one fixed scale: direction of ``grad``, length

        $$L\,\frac{g/s}{1 + g/s},\qquad g = \|\nabla_x\ell_G\|,\ L = \text{arrow\_length},\ s = \text{arrow\_scale}.$$

        The map from $g$ to length is the same at every step, for every loss and in every figure that
        uses these settings (defaults: $|\nabla\ell| = 1$ draws half of $L$), so arrow lengths compare
        across frames and losses; it is linear for $g \ll s$ and never longer than $L$, because the
        gradients of one run span four orders of magnitude (about 0.003 to 100 on the ring).
        """
        norm = np.linalg.norm(grad, axis=1, keepdims=True)                       # (A, 1)
        return grad * (self.arrow_length / self.arrow_scale / (1.0 + norm / self.arrow_scale))

    def arrows(self, gan, x_fake: torch.Tensor) -> tuple[np.ndarray, float]:
        r"""$-\nabla_x\ell_G$ at the first ``n_arrows`` points as arrows (A, 2) (:meth:`arrow_vectors`),
        and the largest $\|\nabla_x\ell_G\|$ among them."""
        g = -gan.loss_gradient(x_fake[: self.n_arrows]).double().numpy()             # (A, 2)
        return self.arrow_vectors(g), float(np.linalg.norm(g, axis=1).max(initial=0.0))

    def state(self, gan) -> dict:
        """The state of a ``ContinuousGAN`` as arrays: everything ``BoundaryDisplay.update`` draws."""
        x_fake = gan.sample()
        log_w, response = self.critic_grid(gan.critic, gan.divergence)
        arrows, max_grad = self.arrows(gan, x_fake)
        return {"step": gan.steps, "response": response, "boundary": self.boundary_segments(log_w),
                "x_fake": x_fake.numpy(), "arrows": arrows, "max_grad": max_grad,
                "arrow_scale": self.arrow_scale, "manifold": self.manifold_lines(gan.generator)}
