"""Drawing the forward convolution (S1-S2) and the weight gradient (S12)."""

from __future__ import annotations

import numpy as np

from ..steps.base import fmt_number
from .palette import ERROR_COLOR, HIGHLIGHT_COLOR
from .panels import Drawing, MapPanel, ZoomPanel, check_drawable, grid, new_figure, operator_text, sym_limit, text_panel


def _paren(v: float) -> str:
    """A term of a printed sum: negative numbers in parentheses."""
    return f"({fmt_number(v)})" if fmt_number(v).startswith("-") else fmt_number(v)


# --- 1. the sliding kernel ------------------------------------------------------------------


def describe_sliding_kernel(state) -> str:
    """The state's equation in one line: z[i, j] = (channel sums) + b = value."""
    terms = " + ".join(_paren(v) for v in state.channel_sums)
    what = "Σ x⊙w" if len(state.channel_sums) == 1 else "Σ_c Σ x⊙w"
    return f"z[{state.i}, {state.j}] = {what} + b = {terms} + {_paren(state.bias)} = {fmt_number(state.value)}"


class SlidingKernelDrawing(Drawing):
    """Input with the window, the window's numbers ⊙ the kernel = products, Σ + b, the output map."""

    def __init__(self, ax_or_fig, steps):
        check_drawable("draw_sliding_kernel", padded_input_map=steps.x_padded.shape, kernel_kernel=steps.w.shape,
                       input_channels=steps.x.shape[0])
        self.steps = steps
        C, KH, KW = steps.w.shape
        lim_x, lim_w = sym_limit(steps.x_padded), sym_limit(steps.w)
        lim_p, lim_z = sym_limit(steps.products), sym_limit(steps.output)
        pad = f", padded by {steps.padding}" if steps.padding else ""
        if C > 1:
            pad = f" (pad {steps.padding})" if steps.padding else ""
        if C == 1:
            fig, gs = grid(ax_or_fig, 2, 4, width_ratios=[1.35, 1, 0.3, 1], left=0.02, right=0.98, top=0.86, bottom=0.02,
                           hspace=0.25, wspace=0.08)
        else:
            fig, gs = grid(ax_or_fig, C, 8, width_ratios=[1.1, 1, 0.3, 1, 0.3, 1, 0.9, 1.5], left=0.01, right=0.99,
                           top=0.88, bottom=0.02, hspace=0.35, wspace=0.18)
        super().__init__(fig)
        P, self.sums = self.panels, []
        for c in range(C):
            if C == 1:
                cells = {"x": gs[0, 0], "win": gs[0, 1], "op1": gs[0, 2], "w": gs[0, 3], "prod": gs[1, 1], "op2": gs[1, 2],
                         "sum": gs[1, 3], "z": gs[1, 0]}
            else:
                cells = {"x": gs[c, 0], "win": gs[c, 1], "op1": gs[c, 2], "w": gs[c, 3], "op2": gs[c, 4], "prod": gs[c, 5],
                         "sum": gs[c, 6], "z": gs[:, 7]}
            name = "x" if C == 1 else f"x[{c}]"
            title = f"input {name}{pad}" if C == 1 else f"{name}{pad}"
            P[f"x{c}"] = MapPanel(fig.add_subplot(cells["x"]), steps.x_padded.shape[1:], "input", lim_x, title,
                                  static=True)
            P[f"x{c}"].add_box("window")
            P[f"x{c}"].update(steps.x_padded[c])
            P[f"win{c}"] = MapPanel(fig.add_subplot(cells["win"]), (KH, KW), "input", lim_x, numbers=True)
            P[f"win{c}"].ax.set_zorder(2)  # the window's frame sits above its neighbours
            P[f"win{c}"].add_box("frame", HIGHLIGHT_COLOR, lw=5).set_bounds(-0.5, -0.5, KW, KH)
            P[f"win{c}"].boxes["frame"].set_visible(True)
            operator_text(fig, cells["op1"], "⊙")
            P[f"w{c}"] = MapPanel(fig.add_subplot(cells["w"]), (KH, KW), "kernel", lim_w, "kernel w" if C == 1 else f"w[{c}]",
                                  numbers=True, static=True)
            P[f"w{c}"].update(steps.w[c])
            operator_text(fig, cells["op2"], "=" if C > 1 else "→")
            P[f"p{c}"] = MapPanel(fig.add_subplot(cells["prod"]), (KH, KW), "output", lim_p, "products x⊙w", numbers=True)
            self.sums.append(self.add_text(text_panel(fig, cells["sum"])))
        self.z = P["z"] = MapPanel(fig.add_subplot(cells["z"]), steps.output.shape, "output", lim_z, "output z so far")
        P["z"].add_box("cell", lw=4)
        self.update(steps.state(0))

    def _update(self, state) -> None:
        C, KH, KW = self.steps.w.shape
        for c in range(C):
            self.panels[f"x{c}"].set_box("window", state.top, state.left, KH, KW)
            rows, cols = f"{state.top}:{state.top + KH}", f"{state.left}:{state.left + KW}"
            self.panels[f"win{c}"].update(state.window[c], title=f"[{rows}, {cols}]" if C > 1 else f"window [{rows}, {cols}]")
            self.panels[f"p{c}"].update(state.products[c])
            sum_text = f"Σ = {fmt_number(state.channel_sums[c])}"
            if C == 1:
                sum_text += f"\n+ b = {_paren(state.bias)}\n= {fmt_number(state.value)}\n→ z[{state.i}, {state.j}]"
            self.sums[c].set_text(sum_text)
        self.z.update(state.map_so_far, title=f"z so far: z[{state.i}, {state.j}] = {fmt_number(state.value)}")
        self.z.set_box("cell", state.i, state.j, 1, 1)
        self.header.set_text(describe_sliding_kernel(state))
        self.step_text.set_text(f"step {state.k + 1} / {self.steps.n_steps}")


def draw_sliding_kernel(ax_or_fig, state, steps) -> SlidingKernelDrawing:
    """Draw sliding_kernel_steps' state on a Figure/SubFigure/Axes; returns the drawing (.artists, .update(state)).

    ax_or_fig None makes a new Figure sized for the projector.
    """
    if ax_or_fig is None:
        C = steps.w.shape[0]
        ax_or_fig = new_figure(11.5, 7.6) if C == 1 else new_figure(14, 1.0 + 2.4 * C)
    drawing = SlidingKernelDrawing(ax_or_fig, steps)
    drawing.update(state)
    return drawing


# --- 3. the weight gradient: the pen on the paper -------------------------------------------


def describe_weight_grad(state) -> str:
    """dW[f, c, u, v] = Σ δ ⊙ a0 (shifted by u, v) = value."""
    u, v = state.u, state.v
    return f"∂C/∂W[{state.f}, {state.c}, {u}, {v}] = Σ δ[i, j]·a⁰[i+{u}, j+{v}] = {fmt_number(state.value)}"


class WeightGradDrawing(Drawing):
    """a0 with the error map laid on it at (u, v), δ, the products, dW filling in, db = Σ δ."""

    def __init__(self, ax_or_fig, steps):
        a0p, delta = steps.a0_padded, steps.delta
        check_drawable("draw_weight_grad", padded_input_map=a0p.shape, error_map=delta.shape, kernel_kernel=steps.kernel_size,
                       input_channels=a0p.shape[0], error_channels=delta.shape[0])
        self.steps = steps
        fig, gs = grid(ax_or_fig, 2, 3, width_ratios=[1.25, 1, 1], left=0.02, right=0.98, top=0.86, bottom=0.02, hspace=0.25,
                       wspace=0.12)
        super().__init__(fig)
        P = self.panels
        Ho, Wo = delta.shape[1:]
        pad = f" padded by {steps.padding}" if steps.padding else ""
        P["a0"] = MapPanel(fig.add_subplot(gs[0, 0]), a0p.shape[1:], "input", sym_limit(a0p), f"input a⁰{pad}")
        P["a0"].add_box("pen", ERROR_COLOR, lw=5)
        P["delta"] = MapPanel(fig.add_subplot(gs[0, 1]), (Ho, Wo), "error", sym_limit(delta), "error δ (the pen)")
        P["dw"] = MapPanel(fig.add_subplot(gs[0, 2]), steps.kernel_size, "error", sym_limit(steps.dw), "∂C/∂W so far",
                           numbers=True)
        P["dw"].add_box("cell")
        lim_p = sym_limit(delta[:, None, None, None] * steps.footprints[None])  # every product of every step
        P["prod"] = MapPanel(fig.add_subplot(gs[1, 0]), (Ho, Wo), "error", lim_p, "products δ ⊙ a⁰")
        P["zoom"] = ZoomPanel(fig.add_subplot(gs[1, 1]), (Ho, Wo), (Ho, Wo), "error", lim_p, "δ⊙a⁰", margin=0)
        self.sum_text = self.add_text(text_panel(fig, gs[1, 2]))
        self.update(steps.state(0))

    def _update(self, state) -> None:
        s, (Ho, Wo) = self.steps.stride, self.steps.delta.shape[1:]
        P = self.panels
        P["a0"].update(self.steps.a0_padded[state.c], title=f"input a⁰[{state.c}], δ laid at ({state.u}, {state.v})")
        P["a0"].set_box("pen", state.u, state.v, s * (Ho - 1) + 1, s * (Wo - 1) + 1)
        P["delta"].update(self.steps.delta[state.f], title=f"error δ[{state.f}] (the pen)")
        P["dw"].update(state.dw_so_far[state.f, state.c], title=f"∂C/∂W[{state.f}, {state.c}] so far")
        P["dw"].set_box("cell", state.u, state.v, 1, 1)
        P["prod"].update(state.products)
        # zoom where the error is largest: a corner of a digit's error map is usually all zeros
        zh, zw = P["zoom"].shape
        i, j = np.unravel_index(np.argmax(np.abs(self.steps.delta[state.f])), (Ho, Wo))
        P["zoom"].show(state.products, i - zh // 2, j - zw // 2, zh, zw)
        f = state.f
        self.sum_text.set_text(f"∂C/∂W[{state.u}, {state.v}]\n= Σ δ ⊙ a⁰ = {fmt_number(state.value)}\n\n"
                               f"∂C/∂b[{f}] = Σ δ[{f}]\n= {fmt_number(state.db[f])}")
        self.header.set_text(describe_weight_grad(state))
        self.step_text.set_text(f"step {state.k + 1} / {self.steps.n_steps}")


def draw_weight_grad(ax_or_fig, state, steps) -> WeightGradDrawing:
    """Draw weight_grad_steps' state; returns the drawing (.artists, .update(state)). None: a new Figure."""
    return WeightGradDrawing.draw(ax_or_fig, state, steps)
