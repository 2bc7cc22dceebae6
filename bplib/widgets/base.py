"""StepWidget: Play, a slider and ◀ ▶ over a state sequence, its drawing shown as a PNG."""

from __future__ import annotations

import html
import inspect
import traceback

import ipywidgets as widgets

from .._checks import check_int
from ..steps.base import Steps
from ..viz.palette import ERROR_COLOR

CAPTION_STYLE = "font-size:22px; line-height:1.5; color:#000; font-family:'DejaVu Sans', sans-serif; padding:4px 0"
BUTTON_STYLE = {"font_size": "22px", "font_weight": "bold"}


def link_play(play: widgets.Play, slider: widgets.IntSlider, guarded=None) -> widgets.Link:
    """Link a Play to a slider so that Play moves the picture in every front end.

    play, slider: widgets over the same integer range; guarded(fn, *args): how callbacks run
    (GuardedCallbacks._guarded, so that errors are shown), default a plain call.
    Returns the jslink Link (Play drives the slider in the browser, no kernel round trip).

    Where a front end lacks jslink (Colab's widget manager), the kernel follows instead: while
    Play is playing, a Play value the slider has not reached moves the slider; while it is
    paused, a slider move brings Play along, so that Play resumes from the step shown. Where
    jslink works, the browser has already moved the slider when Play's value reaches the kernel
    (the Link saves the slider first), so nothing moves, and nothing is drawn, a second time.
    """
    if not isinstance(play, widgets.Play) or not isinstance(slider, widgets.IntSlider):
        raise TypeError(f"link_play: expected an ipywidgets Play and an IntSlider, got {type(play).__name__} "
                        f"and {type(slider).__name__}")
    run = guarded or (lambda fn, *args: fn(*args))

    def follow_play(k: int) -> None:
        if play.playing and slider.value != k:
            slider.value = min(max(int(k), slider.min), slider.max)

    def lead_play(k: int) -> None:
        if not play.playing and play.value != k:
            play.value = min(max(int(k), play.min), play.max)

    play.observe(lambda change: run(follow_play, change["new"]), names="value")
    slider.observe(lambda change: run(lead_play, change["new"]), names="value")
    return widgets.jslink((play, "value"), (slider, "value"))


class GuardedCallbacks:
    """Mixin: ``_guarded(fn, *args)`` runs a callback; a failure lands in ``self.output`` (an
    ipywidgets.Output), in ``self.errors`` and, in red, in the ``self.caption`` HTML widget."""

    def _guarded(self, fn, *args) -> None:
        try:
            fn(*args)
        except Exception as e:  # a widget callback must never fail silently
            text = traceback.format_exc()
            self.errors.append(text)
            self.output.append_stderr(text)
            self.caption.value = f'<div style="{CAPTION_STYLE}; color:{ERROR_COLOR}">error: {html.escape(repr(e))}</div>'

    def _step_controls(self, last: int, interval: int, slider_label: str = "step", previous: str = "previous step",
                       following: str = "next step", slider_width: str = "480px") -> widgets.HBox:
        """Play, ◀, slider, ▶ over steps 0 .. last, plus the caption and output areas.

        The slider calls ``self._show(k)`` and ◀ ▶ call ``self._move(±1)``, all through
        ``_guarded``; Play drives the slider with jslink and, where jslink is missing, from the
        kernel (link_play). Returns the HBox of controls.
        """
        self.play = widgets.Play(value=0, min=0, max=last, step=1, interval=interval, description="Play",
                                 layout=widgets.Layout(width="150px"))
        self.slider = widgets.IntSlider(value=0, min=0, max=last, description=slider_label, readout=True,
                                        layout=widgets.Layout(width=slider_width), style={"description_width": "initial"})
        self.link = link_play(self.play, self.slider, self._guarded)  # jslink, and a kernel path where it is missing
        self.prev = widgets.Button(description="◀", tooltip=previous, layout=widgets.Layout(width="64px"),
                                   style=BUTTON_STYLE)
        self.next = widgets.Button(description="▶", tooltip=following, layout=widgets.Layout(width="64px"),
                                   style=BUTTON_STYLE)
        self.caption = widgets.HTML()
        self.output = widgets.Output()  # tracebacks from callbacks, never swallowed
        self.errors: list[str] = []
        self.slider.observe(lambda change: self._guarded(self._show, change["new"]), names="value")
        self.prev.on_click(lambda _: self._guarded(self._move, -1))
        self.next.on_click(lambda _: self._guarded(self._move, 1))
        return widgets.HBox([self.play, self.prev, self.slider, self.next])


class StepWidget(GuardedCallbacks):
    """A state sequence shown step by step.

    steps: a bplib.steps sequence; draw(ax_or_fig, state, steps) -> a drawing with
    update(state) and png(); caption(state) -> the line shown under the picture.
    ``step``, ``state``, ``result_so_far`` and ``caption.value`` tell what is shown.
    interval: milliseconds between Play's steps, >= 1. Everything is checked before any widget is made.
    """

    def __init__(self, steps, draw, caption, interval: int = 700):
        fn = "StepWidget"
        if not isinstance(steps, Steps):
            raise TypeError(f"{fn}: steps must be a bplib.steps sequence (e.g. unpool_steps(...)), got {type(steps).__name__}")
        if steps.n_steps < 1:
            raise ValueError(f"{fn}: steps has no step to show")
        for value, name, args in ((draw, "draw", "(ax_or_fig, state, steps)"), (caption, "caption", "(state)")):
            if not callable(value) or isinstance(value, type):
                raise TypeError(f"{fn}: {name} must be a function {name}{args}, got {type(value).__name__}")
            try:
                inspect.signature(value).bind(*([None] * args.count(",")), None)
            except TypeError:
                raise TypeError(f"{fn}: {name} must take the arguments {args}, but its signature is "
                                f"{name}{inspect.signature(value)}") from None
            except ValueError:  # a builtin without a signature: it will tell when called
                pass
        interval = check_int(interval, "interval", fn, 1)
        self.steps, self._caption = steps, caption
        self.drawing = draw(None, steps.state(0), steps)
        missing = [a for a in ("update", "png", "fig", "state") if not hasattr(self.drawing, a)]
        if missing:
            raise TypeError(f"{fn}: draw(None, state, steps) must return a drawing (bplib.viz draw_<name>), got "
                            f"{type(self.drawing).__name__} without {', '.join(missing)}")
        self._caption_of(steps.state(0))  # a caption that fails or returns no text is refused now, not at step 5
        width, _ = self.drawing.fig.canvas.get_width_height()
        last = steps.n_steps - 1
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width=f"{width}px"))
        controls = self._step_controls(last, interval)
        self.box = widgets.VBox([controls, self.image, self.caption, self.output])
        self.box.add_class("bplib-step-widget")
        self._step = None
        self._show(0)

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)

    @property
    def n_steps(self) -> int:
        return self.steps.n_steps

    @property
    def step(self) -> int:
        """The step shown; setting it moves the slider (and Play) and redraws."""
        return self._step

    @step.setter
    def step(self, k) -> None:
        k = self.steps.state(k).k  # checks the type and range (IndexError) and resolves negative k
        if k == self.slider.value:
            self._show(k)
        else:
            self.slider.value = k  # the observer redraws

    @property
    def state(self):
        """The state shown (a NamedTuple from bplib.steps)."""
        return self.drawing.state

    @property
    def result_so_far(self):
        """What the steps so far have assembled (state.so_far)."""
        return self.state.so_far

    def _move(self, delta: int) -> None:
        self.slider.value = min(max(self.slider.value + delta, 0), self.n_steps - 1)

    def _caption_of(self, state) -> str:
        text = self._caption(state)
        if not isinstance(text, str):
            raise TypeError(f"StepWidget: caption(state) must return a str, got {type(text).__name__}")
        return text

    def _show(self, k: int) -> None:
        state = self.steps.state(k)
        self.drawing.update(state)
        self.image.value = self.drawing.png()
        self.caption.value = f'<div style="{CAPTION_STYLE}">{html.escape(self._caption_of(state)).replace(chr(10), "<br>")}</div>'
        self._step = state.k
