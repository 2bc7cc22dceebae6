"""One step update of each widget at the article's sizes: state, drawing update, PNG.

    python -m benchmarks.widgets

Sizes (S9): 28x28 input, 5x5 kernel, 24x24 error map, 12x12 after pooling. One step
update is what the slider's callback does: compute state k, change the artists in
place, render the frame and encode it as the PNG the browser shows. Target: <= 50 ms.
Printed, never asserted (the time depends on the machine and its load).
"""

from __future__ import annotations

import numpy as np

from bplib.widgets import full_conv_widget, rot180_widget, sliding_kernel_widget, unpool_widget, weight_grad_widget

from ._timing import best_ms, describe_machine

TARGET_MS = 50.0


def article_widgets(rng) -> dict:
    a0 = rng.random((28, 28))
    a1 = np.maximum(rng.standard_normal((24, 24)), 0)
    return {
        "sliding kernel (28x28 input, 5x5 kernel)": sliding_kernel_widget(a0, rng.standard_normal((5, 5)), 0.1),
        "unpool max (24x24 <- 12x12)": unpool_widget(a1, rng.standard_normal((12, 12)), "max"),
        "unpool avg (24x24 <- 12x12)": unpool_widget(a1, rng.standard_normal((12, 12)), "avg"),
        "weight gradient (24x24 delta on 28x28)": weight_grad_widget(a0, rng.standard_normal((24, 24)), 5),
        "rot180 (5x5)": rot180_widget(rng.standard_normal((5, 5)), frames=6),
        "full conv (24x24 delta, 5x5 -> 28x28)": full_conv_widget(rng.standard_normal((24, 24)), rng.standard_normal((5, 5))),
    }


def run(repeats: int = 20) -> dict:
    rng = np.random.default_rng(0)
    results = {}
    for name, widget in article_widgets(rng).items():
        counter = iter(range(10**9))

        def one_step(widget=widget, counter=counter):
            widget.step = 1 + next(counter) % (widget.n_steps - 1)  # a new step each time, never a cache hit

        results[name] = best_ms(one_step, repeats)
        assert widget.errors == [], widget.errors
    return results


def main() -> None:
    print(f"widget step update (state + artists + PNG), median ms ({describe_machine()}); target <= {TARGET_MS:.0f} ms")
    for name, ms in run().items():
        print(f"  {name:44s} {ms:7.1f} ms  {'ok' if ms <= TARGET_MS else 'over target'}")


if __name__ == "__main__":
    main()
