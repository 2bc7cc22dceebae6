"""Drawing the full-convolution BP2 (S13): gather and scatter side by side."""

from __future__ import annotations

import numpy as np

from ..steps.base import fmt_number
from .catalogue import t
from .palette import ERROR_COLOR, TITLE_SIZE
from .panels import Drawing, MapPanel, check_drawable, grid, sym_limit, text_panel

# --- 5. full convolution: gather and scatter ---------------------------------------------------


def describe_full_conv(state) -> str:
    """The gather view's equation (the article's BP2) at this step."""
    g = state.gather
    if len(g.per_map) == 1:
        return f"∂C/∂a[{g.c}, {g.r}, {g.q}] = Σ pad(δ) ⊙ rot180(W) = {fmt_number(g.value)}"
    return f"∂C/∂a[{g.c}, {g.r}, {g.q}] = Σ_f Σ pad(δ)[f] ⊙ rot180(W)[f, {g.c}] = {fmt_number(g.value)}"


class FullConvDrawing(Drawing):
    """Top: the flipped kernels over the padded error maps (gather). Bottom: δ cells scattering W."""

    FIGSIZE = (13, 7.6)
    FN, KIND = "draw_full_conv", "full_conv_steps"

    def __init__(self, ax_or_fig, steps):
        self._check_init(ax_or_fig, steps)
        d, w, padded = steps.delta, steps.w, steps.padded
        F, C, KH, KW = w.shape
        check_drawable("draw_full_conv", padded_error_map=padded.shape, kernel_kernel=w.shape, error_channels=F,
                       input_channels=C)
        self.steps = steps
        fig, gs = grid(ax_or_fig, 2, 4, width_ratios=[1.25, 1, 0.8, 1.15], left=0.02, right=0.98, top=0.86, bottom=0.02,
                       hspace=0.3, wspace=0.12)
        super().__init__(fig)
        P = self.panels
        lim_d, lim_w, lim_dx = sym_limit(d), sym_limit(w), sym_limit(steps.output)
        gp = gs[0, 0].subgridspec(1, F, wspace=0.08)
        gk = gs[0, 1].subgridspec(1, F, wspace=0.08)
        s, p = steps.stride, steps.padding
        how = (t("full.dilated", s=s) if s > 1 else "") + t("full.padded_k1")  # short: the panel is narrow
        for f in range(F):
            title = t("full.delta_how", how=how) if F == 1 else t("full.padded_f", f=f)
            P[f"pad{f}"] = MapPanel(fig.add_subplot(gp[0, f]), padded.shape[1:], "error", lim_d, title, static=True)
            P[f"pad{f}"].update(padded[f])
            P[f"pad{f}"].add_box("window")
            title = "rot180(W)" if F == 1 else f"rot180 W[{f}]"
            P[f"rot{f}"] = MapPanel(fig.add_subplot(gk[0, f]), (KH, KW), "kernel", lim_w, title)
        self.gather_text = self.add_text(text_panel(fig, gs[0, 2], size=TITLE_SIZE))
        H, W = steps.input_hw
        crop = t("full.crop", p=p) if p else ""
        P["gdx"] = MapPanel(fig.add_subplot(gs[0, 3]), (H, W), "error", lim_dx, t("full.gather_title", crop=crop))
        P["gdx"].add_box("cell")
        P["d"] = MapPanel(fig.add_subplot(gs[1, 0]), d.shape[1:], "error", lim_d, t("full.error"))
        P["d"].add_box("cell")
        lim_c = max(sym_limit(d[f]) * sym_limit(w[f]) for f in range(F))
        P["contrib"] = MapPanel(fig.add_subplot(gs[1, 1]), (KH, KW), "error", lim_c, "δ · W", numbers=KH <= 5 or None)
        self.scatter_text = self.add_text(text_panel(fig, gs[1, 2], size=TITLE_SIZE))
        P["sdx"] = MapPanel(fig.add_subplot(gs[1, 3]), (H, W), "error", lim_dx, t("full.scatter_title"))
        P["sdx"].add_box("copy", ERROR_COLOR, lw=4)
        self.update(steps.state(0))

    def _update(self, state) -> None:
        P, g, sc = self.panels, state.gather, state.scatter
        F, C, KH, KW = self.steps.w.shape
        for f in range(F):
            P[f"pad{f}"].set_box("window", g.top, g.left, KH, KW)
            P[f"rot{f}"].update(g.flipped[f])
        sums = " + ".join(f"({fmt_number(v)})" if v < 0 else fmt_number(v) for v in g.per_map)
        per_map = f"\n= {sums}" if F > 1 else ""
        self.gather_text.set_text(f"Σ pad(δ)\n  ⊙ rot180(W){per_map}\n= {fmt_number(g.value)}\n→ ∂C/∂a[{g.c}, {g.r}, {g.q}]")
        P["gdx"].update(g.dx_so_far[g.c])
        P["gdx"].set_box("cell", g.r, g.q, 1, 1)
        P["d"].update(self.steps.delta[sc.f], title=t("full.error_f", f=sc.f))
        P["d"].set_box("cell", sc.i, sc.j, 1, 1)
        P["contrib"].update(sc.contribution[g.c], title=f"δ[{sc.f}, {sc.i}, {sc.j}] · W[{sc.f}, {g.c}]")
        P["sdx"].update(sc.dx_so_far[g.c])
        P["sdx"].set_box("copy", sc.top, sc.left, KH, KW)
        done = state.k == self.steps.n_steps - 1
        diff = float(np.max(np.abs(g.dx_so_far - sc.dx_so_far))) if done else None
        self.scatter_text.set_text(t("full.scatter_text", d=fmt_number(sc.delta), f=sc.f, top=sc.top, left=sc.left)
                                   + (t("full.same", diff=f"{diff:.0e}") if done else ""))
        self.header.set_text(describe_full_conv(state))
        self.step_text.set_text(t("panels.step", k=state.k + 1, n=self.steps.n_steps))


def draw_full_conv(ax_or_fig, state, steps) -> FullConvDrawing:
    """Draw full_conv_steps' state; returns the drawing (.artists, .update(state)). None: a new Figure."""
    return FullConvDrawing.draw(ax_or_fig, state, steps)
