"""Drawing a training run and its result (S9, notebook 11): learning curves, kernels, feature maps, confusion, mistakes.

Every function takes the Axes to draw on and returns the artists it drew, so a notebook cell
holds the idea (which run, which digit) and not the plumbing.
"""

from __future__ import annotations

import numpy as np

from ...net import History, Trace
from ..catalogue import t
from ..palette import CMAPS, ERROR_COLOR, INPUT_COLOR, KERNEL_COLOR, OUTPUT_COLOR

__all__ = [
    "moving_average", "draw_loss", "draw_accuracy", "draw_learning_curves", "draw_run_comparison",
    "draw_kernels", "draw_feature_maps", "draw_confusion", "draw_mistakes",
]

RUN_COLORS = [INPUT_COLOR, ERROR_COLOR, KERNEL_COLOR, OUTPUT_COLOR]  # one per run in a comparison


def _check_history(history, fn: str) -> History:
    """history itself if it is a History with at least one step; else TypeError / ValueError naming fn."""
    if not isinstance(history, History):
        raise TypeError(f"{fn}: history must be the History returned by bplib.train, got {type(history).__name__}")
    if len(history.loss) == 0:
        raise ValueError(f"{fn}: history.loss is empty (shape {np.shape(history.loss)}); expected at least one step")
    return history


def _check_axes(axes, shape: tuple, fn: str) -> np.ndarray:
    """axes as an object array of the given shape (e.g. (2, 4)); ValueError naming fn if its shape differs."""
    arr = np.asarray(axes, dtype=object)
    if arr.shape != shape:
        raise ValueError(f"{fn}: axes of shape {arr.shape}, expected {shape} (e.g. plt.subplots(*{shape}))")
    return arr


def moving_average(values, window: int) -> np.ndarray:
    """Mean of each run of `window` consecutive values.

    values (S,) -> (S - window + 1,); window must be between 1 and S.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"moving_average: values.shape={values.shape}, expected a 1-D array (S,)")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or not 1 <= window <= len(values):
        raise ValueError(f"moving_average: window={window!r}, expected an integer between 1 and {len(values)} "
                         f"(values.shape={values.shape})")
    return np.convolve(values, np.ones(window) / window, mode="valid")


def draw_loss(ax, history, window: int = 50, color=INPUT_COLOR, label: str = "") -> list:
    """The loss of every mini-batch (light) and its moving average over `window` steps (dark), against epochs.

    history: a History with loss (S,). Returns [raw line, average line].
    """
    history = _check_history(history, "draw_loss")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"draw_loss: window={window!r}, expected a positive integer (steps to average over)")
    window = min(window, len(history.loss))  # a run shorter than the window: one average over all of it
    x = history.epoch_of_step
    prefix = t("training.prefix", label=label) if label else ""
    raw = ax.plot(x, history.loss, color=color, lw=0.7, alpha=0.3,
                  label=prefix + t("training.minibatch") if not label else None)
    smooth = ax.plot(x[window - 1 :], moving_average(history.loss, window), color=color, lw=2.5,
                     label=prefix + t("training.moving", window=window))
    ax.set_xlabel(t("training.epoch"))
    ax.set_ylabel(t("training.loss"))
    ax.set_ylim(0, None)
    return raw + smooth


def draw_accuracy(ax, history, train: bool = True, color=OUTPUT_COLOR, label: str = "") -> list:
    """Held-out accuracy per epoch (squares) and, if train, the training accuracy during each epoch (circles), in %.

    history: a History with val_acc (E,) and train_acc (E,). Returns the lines drawn.
    """
    history = _check_history(history, "draw_accuracy")
    if len(history.val_acc) == 0:
        raise ValueError("draw_accuracy: history.val_acc is empty; train with x_val and y_val to record it")
    epochs = np.arange(1, len(history.val_acc) + 1)
    prefix = t("training.prefix", label=label) if label else ""
    lines = []
    if train:
        lines += ax.plot(epochs, 100 * history.train_acc, "o-", color=KERNEL_COLOR, lw=2.5, ms=8,
                         label=prefix + t("training.train_acc"))
    lines += ax.plot(epochs, 100 * history.val_acc, "s-", color=color, lw=2.5, ms=8, label=prefix + t("training.val_acc"))
    ax.set_xlabel(t("training.epoch"))
    ax.set_ylabel(t("training.accuracy"))
    ax.set_xticks(epochs)
    return lines


def draw_learning_curves(ax_loss, ax_acc, history, window: int = 50) -> list:
    """Loss per step on ax_loss, training and held-out accuracy per epoch on ax_acc, titled and with legends.

    Returns the lines drawn (raw loss, moving average, training accuracy, held-out accuracy).
    """
    lines = draw_loss(ax_loss, history, window)
    ax_loss.set_title(t("training.loss_title"))
    ax_loss.legend()
    lines += draw_accuracy(ax_acc, history)
    ax_acc.set_title(t("training.accuracy_title"))
    ax_acc.legend(loc="lower right")
    return lines


def draw_run_comparison(ax_loss, ax_acc, runs: dict, window: int = 50) -> list:
    """Several runs on the same axes: each run's loss (moving average) and held-out accuracy, one colour per run.

    runs: {label: History}, up to 4, all with the same steps per epoch. Returns the lines drawn.
    """
    fn = "draw_run_comparison"
    if not isinstance(runs, dict) or not 1 <= len(runs) <= len(RUN_COLORS):
        raise ValueError(f"{fn}: runs must be a dict {{label: History}} with 1 to {len(RUN_COLORS)} runs, got {runs!r:.80}")
    histories = [_check_history(h, fn) for h in runs.values()]
    if len({h.steps_per_epoch for h in histories}) != 1:
        raise ValueError(f"{fn}: the runs have different steps per epoch {[h.steps_per_epoch for h in histories]}; "
                         "expected the same data and batch size")
    lines = []
    for (label, history), color in zip(runs.items(), RUN_COLORS):
        lines += draw_loss(ax_loss, history, window, color=color, label=label)
        lines += draw_accuracy(ax_acc, history, train=False, color=color, label=label)
    ax_loss.set_title(t("training.compare_loss", window=window))
    ax_loss.legend()
    ax_acc.set_title(t("training.compare_accuracy"))
    ax_acc.legend(loc="lower right")
    return lines


def draw_kernels(axes, W1, b1) -> list:
    """Each kernel of a first layer with one input channel as a coloured grid with its weights written in.

    W1 (F, 1, KH, KW), b1 (F,), axes: F Axes. Orange = positive, grey = negative, one colour
    scale for all kernels. Returns the images, then the texts; adds one colour bar.
    """
    fn = "draw_kernels"
    W1, b1 = np.asarray(W1), np.asarray(b1)
    if W1.ndim != 4 or W1.shape[1] != 1 or b1.shape != (W1.shape[0],):
        raise ValueError(f"{fn}: W1.shape={W1.shape}, b1.shape={b1.shape}; expected (F, 1, KH, KW) and (F,)")
    axes = _check_axes(axes, (W1.shape[0],), fn)
    kernels = W1[:, 0]
    limit = max(float(np.abs(kernels).max()), 1e-12)
    images, texts = [], []
    for k, ax in enumerate(axes):
        images.append(ax.imshow(kernels[k], cmap=CMAPS["kernel"], vmin=-limit, vmax=limit))
        for (u, v), value in np.ndenumerate(kernels[k]):
            dark = value < -0.6 * limit
            texts.append(ax.text(v, u, f"{value:.2f}", ha="center", va="center", fontsize=12,
                                 color="white" if dark else "black"))
        ax.set_title(t("training.kernel", k=k, b=b1[k]))
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].get_figure().colorbar(images[0], ax=list(axes), shrink=0.8, label=t("training.weight"))
    return images + texts


def draw_feature_maps(axes, trace, label: int) -> list:
    """One image through the network: a0, each channel's a1 and a2, and the probabilities a4 as bars.

    trace: the Trace of ArticleNet.forward on one image (a0 (1, 1, 28, 28)); axes (2, F + 1):
    top row a0 then a1 per channel, bottom row the bars then a2 per channel. Returns the artists.
    """
    fn = "draw_feature_maps"
    if not isinstance(trace, Trace):
        raise TypeError(f"{fn}: trace must be the Trace of ArticleNet.forward, got {type(trace).__name__}")
    if trace.a0.shape[0] != 1:
        raise ValueError(f"{fn}: trace of {trace.a0.shape[0]} images (a0.shape={trace.a0.shape}); "
                         "expected one, a0 (1, 1, 28, 28)")
    F = trace.a1.shape[1]
    axes = _check_axes(axes, (2, F + 1), fn)
    artists = [axes[0, 0].imshow(trace.a0[0, 0], cmap=CMAPS["input"], vmin=-1, vmax=1)]
    axes[0, 0].set_title(t("training.a0", label=label))
    top = max(float(trace.a1.max()), 1e-6)  # one scale for a1 and a2: pooling keeps the values
    for c in range(F):
        artists.append(axes[0, c + 1].imshow(trace.a1[0, c], cmap=CMAPS["output"], vmin=-top, vmax=top))
        axes[0, c + 1].set_title(t("training.a1", c=c, h=trace.a1.shape[2], w=trace.a1.shape[3]))
        artists.append(axes[1, c + 1].imshow(trace.a2[0, c], cmap=CMAPS["output"], vmin=-top, vmax=top))
        axes[1, c + 1].set_title(t("training.a2", c=c, h=trace.a2.shape[2], w=trace.a2.shape[3]))
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    bars = axes[1, 0]
    K = trace.a4.shape[1]
    artists += list(bars.bar(np.arange(K), trace.a4[0], color=[OUTPUT_COLOR if k == label else INPUT_COLOR for k in range(K)]))
    bars.set_xticks(np.arange(K))
    bars.set_ylim(0, 1)
    bars.set_yticks([0, 0.5, 1])
    bars.set_xlabel(t("training.class"))
    bars.set_title(t("training.a4"))
    return artists


def draw_confusion(ax, confusion) -> list:
    """A confusion matrix: the diagonal (correct) in green, the mistakes in vermillion, every nonzero count written.

    confusion (K, K) of counts, rows = true class, columns = predicted. Returns [diagonal image, off image, texts...].
    """
    confusion = np.asarray(confusion)
    if confusion.ndim != 2 or confusion.shape[0] != confusion.shape[1] or not np.issubdtype(confusion.dtype, np.integer):
        raise ValueError(f"draw_confusion: confusion.shape={confusion.shape}, dtype {confusion.dtype}; "
                         "expected (K, K) integer counts")
    K = confusion.shape[0]
    eye = np.eye(K, dtype=bool)
    off = np.where(eye, 0, confusion)
    top_off, top_on = max(int(off.max()), 1), max(int(confusion.max()), 1)
    artists = [ax.imshow(np.where(eye, confusion, np.nan), cmap=CMAPS["output"], vmin=-top_on, vmax=top_on),
               ax.imshow(np.where(off > 0, off, np.nan), cmap=CMAPS["error"], vmin=-top_off, vmax=top_off)]
    for (true, p), count in np.ndenumerate(confusion):
        if count:
            strong = count > 0.6 * (top_on if true == p else top_off)
            artists.append(ax.text(p, true, str(count), ha="center", va="center", fontsize=13,
                                   color="white" if strong else "black", fontweight="bold" if true == p else "normal"))
    ax.set_xticks(np.arange(K))
    ax.set_yticks(np.arange(K))
    ax.set_xlabel(t("training.predicted"))
    ax.set_ylabel(t("training.true"))
    return artists


def draw_mistakes(axes, images, true, predicted, confidence) -> list:
    """A gallery: one image per Axes, titled 'true t → p' and the confidence in %.

    images (M, 28, 28) or (M, 1, 28, 28); true, predicted, confidence (M,); axes: M Axes (any grid).
    Returns the images drawn.
    """
    fn = "draw_mistakes"
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]
    M = images.shape[0] if images.ndim == 3 else -1
    if M < 0 or not (np.shape(true) == np.shape(predicted) == np.shape(confidence) == (M,)):
        raise ValueError(f"{fn}: images.shape={images.shape}, true {np.shape(true)}, predicted {np.shape(predicted)}, "
                         f"confidence {np.shape(confidence)}; expected (M, H, W) images and three (M,) arrays")
    flat = np.asarray(axes, dtype=object).ravel()
    if flat.size != M:
        raise ValueError(f"{fn}: {flat.size} Axes for {M} images; expected one Axes per image")
    drawn = []
    for ax, image, true_digit, p, conf in zip(flat, images, true, predicted, confidence):
        drawn.append(ax.imshow(image, cmap=CMAPS["input"], vmin=-1, vmax=1))
        ax.set_title(t("training.mistake", t=true_digit, p=p, conf=conf), color=ERROR_COLOR)
        ax.set_xticks([])
        ax.set_yticks([])
    return drawn
