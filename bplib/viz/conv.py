"""Drawing the forward convolution (S1-S2) and the weight gradient (S12)."""

from __future__ import annotations

from ..steps.base import fmt_number
from .catalogue import t
from .palette import ERROR_COLOR, HIGHLIGHT_COLOR, TITLE_SIZE
from .panels import (
    Drawing,
    MapPanel,
    check_ax_or_fig,
    check_drawable,
    check_state,
    grid,
    new_figure,
    operator_text,
    sym_limit,
    text_panel,
)


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

    FN, KIND = "draw_sliding_kernel", "sliding_kernel_steps"

    def __init__(self, ax_or_fig, steps):
        self._check_init(ax_or_fig, steps)
        check_drawable("draw_sliding_kernel", padded_input_map=steps.x_padded.shape, kernel_kernel=steps.w.shape,
                       input_channels=steps.x.shape[0])
        self.steps = steps
        C, KH, KW = steps.w.shape
        lim_x, lim_w = sym_limit(steps.x_padded), sym_limit(steps.w)
        lim_p, lim_z = sym_limit(steps.products), sym_limit(steps.output)
        pad = t("conv.padded_by", p=steps.padding) if steps.padding else ""
        if C > 1:
            pad = t("conv.pad_short", p=steps.padding) if steps.padding else ""
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
            title = t("conv.input_title", name=name, pad=pad) if C == 1 else f"{name}{pad}"
            P[f"x{c}"] = MapPanel(fig.add_subplot(cells["x"]), steps.x_padded.shape[1:], "input", lim_x, title,
                                  static=True)
            P[f"x{c}"].add_box("window")
            P[f"x{c}"].update(steps.x_padded[c])
            P[f"win{c}"] = MapPanel(fig.add_subplot(cells["win"]), (KH, KW), "input", lim_x, numbers=True)
            P[f"win{c}"].ax.set_zorder(2)  # the window's frame sits above its neighbours
            P[f"win{c}"].add_box("frame", HIGHLIGHT_COLOR, lw=5).set_bounds(-0.5, -0.5, KW, KH)
            P[f"win{c}"].boxes["frame"].set_visible(True)
            operator_text(fig, cells["op1"], "⊙")
            P[f"w{c}"] = MapPanel(fig.add_subplot(cells["w"]), (KH, KW), "kernel", lim_w,
                                  t("conv.kernel") if C == 1 else f"w[{c}]", numbers=True, static=True)
            P[f"w{c}"].update(steps.w[c])
            operator_text(fig, cells["op2"], "=" if C > 1 else "→")
            P[f"p{c}"] = MapPanel(fig.add_subplot(cells["prod"]), (KH, KW), "output", lim_p, t("conv.products"), numbers=True)
            self.sums.append(self.add_text(text_panel(fig, cells["sum"])))
        self.z = P["z"] = MapPanel(fig.add_subplot(cells["z"]), steps.output.shape, "output", lim_z, t("conv.output_so_far"))
        P["z"].add_box("cell", lw=4)
        self.update(steps.state(0))

    def _update(self, state) -> None:
        C, KH, KW = self.steps.w.shape
        for c in range(C):
            self.panels[f"x{c}"].set_box("window", state.top, state.left, KH, KW)
            rows, cols = f"{state.top}:{state.top + KH}", f"{state.left}:{state.left + KW}"
            window = f"[{rows}, {cols}]" if C > 1 else t("conv.window", rows=rows, cols=cols)
            self.panels[f"win{c}"].update(state.window[c], title=window)
            self.panels[f"p{c}"].update(state.products[c])
            sum_text = f"Σ = {fmt_number(state.channel_sums[c])}"
            if C == 1:
                sum_text += f"\n+ b = {_paren(state.bias)}\n= {fmt_number(state.value)}\n→ z[{state.i}, {state.j}]"
            self.sums[c].set_text(sum_text)
        self.z.update(state.map_so_far, title=t("conv.z_so_far", i=state.i, j=state.j, value=fmt_number(state.value)))
        self.z.set_box("cell", state.i, state.j, 1, 1)
        self.header.set_text(describe_sliding_kernel(state))
        self.step_text.set_text(t("panels.step", k=state.k + 1, n=self.steps.n_steps))


def draw_sliding_kernel(ax_or_fig, state, steps) -> SlidingKernelDrawing:
    """Draw sliding_kernel_steps' state on a Figure/SubFigure/Axes; returns the drawing (.artists, .update(state)).

    ax_or_fig None makes a new Figure sized for the projector. state must be one of steps' states (steps[k]).
    """
    fn = SlidingKernelDrawing.FN
    check_ax_or_fig(fn, ax_or_fig)
    check_state(fn, state, steps, SlidingKernelDrawing.KIND)
    if ax_or_fig is None:
        C = steps.w.shape[0]
        ax_or_fig = new_figure(11.5, 7.6) if C == 1 else new_figure(14, 1.0 + 2.4 * C)
    drawing = SlidingKernelDrawing(ax_or_fig, steps)
    drawing.update(state)
    return drawing


# --- 3. the weight gradient: the pen fixed on the paper, the error map sliding -------------


def track_slice(state, steps) -> str:
    """The pen's track for the state's (u, v) as a NumPy slice of a⁰: "a⁰[1:6, 1:6]" (with the stride's step)."""
    (Ho, Wo), s = steps.delta.shape[1:], steps.stride
    step = f":{s}" if s > 1 else ""
    rows, cols = f"{state.u}:{state.u + s * (Ho - 1) + 1}{step}", f"{state.v}:{state.v + s * (Wo - 1) + 1}{step}"
    return f"a⁰[{rows}, {cols}]"


def describe_weight_grad(state) -> str:
    """The pen at (u, v): dW[f, c, u, v] = Σ δ ⊙ a⁰ on the pen's track = value."""
    u, v, s = state.u, state.v, state.stride
    i, j = ("i", "j") if s == 1 else (f"{s}i", f"{s}j")
    return t("wgrad.describe", u=u, v=v, f=state.f, c=state.c, i=i, j=j, value=fmt_number(state.value))


class WeightGradDrawing(Drawing):
    """The article's pen (S12): the pen fixed at kernel position (u, v), the error map δ sliding over a⁰.

    Top: a⁰ with the kernel's square of paper at its first position (dashed), the pen stuck
    through it at (u, v) (a dot) and the pen's track (the outlined block δ lies on); ∂C/∂W
    filling in, the pen's cell outlined; the sums. Bottom: the track a⁰[u:u+Ho, v:v+Wo] ⊙ δ
    = the products whose sum is ∂C/∂W[u, v].
    """

    FN, KIND = "draw_weight_grad", "weight_grad_steps"

    def __init__(self, ax_or_fig, steps):
        self._check_init(ax_or_fig, steps)
        a0p, delta = steps.a0_padded, steps.delta
        check_drawable("draw_weight_grad", padded_input_map=a0p.shape, error_map=delta.shape, kernel_kernel=steps.kernel_size,
                       input_channels=a0p.shape[0], error_channels=delta.shape[0])
        self.steps = steps
        fig, gs = grid(ax_or_fig, 2, 1, left=0.02, right=0.98, top=0.86, bottom=0.02, hspace=0.3)
        top = gs[0].subgridspec(1, 3, width_ratios=[1, 1, 1.45], wspace=0.12)
        bottom = gs[1].subgridspec(1, 5, width_ratios=[1, 0.22, 1, 0.22, 1], wspace=0.05)
        super().__init__(fig)
        P = self.panels
        (Ho, Wo), (KH, KW) = delta.shape[1:], steps.kernel_size
        self._pad = t("conv.pad_short", p=steps.padding) if steps.padding else ""
        lim_a = sym_limit(a0p)
        P["a0"] = MapPanel(fig.add_subplot(top[0, 0]), a0p.shape[1:], "input", lim_a, t("wgrad.input", pad=self._pad))
        paper = P["a0"].add_box("paper", HIGHLIGHT_COLOR, lw=3, ls="--")
        paper.set_fill(True)
        paper.set_facecolor((1, 1, 1, 0.45))  # a sheet of paper: the map shows through
        P["a0"].set_box("paper", 0, 0, KH, KW)  # the paper at its first position: the pen's track starts at (u, v)
        P["a0"].add_box("track", ERROR_COLOR, lw=5)
        (self.pen,) = P["a0"].ax.plot([0], [0], "o", color=ERROR_COLOR, markersize=13, markeredgecolor=HIGHLIGHT_COLOR,
                                      markeredgewidth=2, zorder=7)
        self._extra_dynamic.append(self.pen)
        P["dw"] = MapPanel(fig.add_subplot(top[0, 1]), steps.kernel_size, "error", sym_limit(steps.dw), t("wgrad.dw_so_far"),
                           numbers=True)
        P["dw"].add_box("cell")
        self.sum_text = self.add_text(text_panel(fig, top[0, 2], size=TITLE_SIZE + 2))
        P["track"] = MapPanel(fig.add_subplot(bottom[0, 0]), (Ho, Wo), "input", lim_a, t("wgrad.track"))
        operator_text(fig, bottom[0, 1], "⊙")
        P["delta"] = MapPanel(fig.add_subplot(bottom[0, 2]), (Ho, Wo), "error", sym_limit(delta), t("wgrad.error"))
        operator_text(fig, bottom[0, 3], "=")
        lim_p = sym_limit(delta[:, None, None, None] * steps.footprints[None])  # every product of every step
        P["prod"] = MapPanel(fig.add_subplot(bottom[0, 4]), (Ho, Wo), "error", lim_p, t("wgrad.products"))
        self.update(steps.state(0))

    def _update(self, state) -> None:
        s, (Ho, Wo) = self.steps.stride, self.steps.delta.shape[1:]
        P, f, u, v = self.panels, state.f, state.u, state.v
        track = track_slice(state, self.steps)
        name = f"a⁰[{state.c}]" if self.steps.a0.shape[0] > 1 else "a⁰"
        P["a0"].update(self.steps.a0_padded[state.c], title=t("wgrad.a0_title", name=name, pad=self._pad))
        P["a0"].set_box("track", u, v, s * (Ho - 1) + 1, s * (Wo - 1) + 1)
        self.pen.set_data([v], [u])
        P["dw"].update(state.dw_so_far[f, state.c], title=t("wgrad.dw_title", f=f, c=state.c, u=u, v=v))
        P["dw"].set_box("cell", u, v, 1, 1)
        P["track"].update(state.footprint, title=track)
        P["delta"].update(self.steps.delta[f], title=t("wgrad.delta_title", f=f, u=u, v=v))
        P["prod"].update(state.products, title=f"δ[{f}] ⊙ {track}")
        self.sum_text.set_text(t("wgrad.sums", u=u, v=v, f=f, value=fmt_number(state.value), db=fmt_number(state.db[f])))
        self.header.set_text(describe_weight_grad(state))
        self.step_text.set_text(t("panels.step", k=state.k + 1, n=self.steps.n_steps))


def draw_weight_grad(ax_or_fig, state, steps) -> WeightGradDrawing:
    """Draw weight_grad_steps' state; returns the drawing (.artists, .update(state)). None: a new Figure."""
    return WeightGradDrawing.draw(ax_or_fig, state, steps)
