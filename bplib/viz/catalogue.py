"""Every word drawn in a picture or a widget caption, in English and in Simplified Chinese.

``t(key, **fmt)`` looks ``key`` up for the current language (bplib.lang.get_language(), or
an explicit ``lang=``) and fills its ``{fields}`` with str.format. The English entries are
the exact strings the figures in figures/ were drawn with; the Chinese entries use the
article's own terms (卷积核, 特征图, 感受野, 池化, 误差, 步幅, 全卷积, 转置卷积 …) and
leave mathematical symbols (δ, ∂C/∂W, σ′, ⊙, Σ) as they are. Chinese text is never put
inside $…$ (mathtext has no CJK glyphs): where English mixes mathtext and words, the
Chinese entry writes the symbols in Unicode (wˡⱼₖ, zˡ).

    t("conv.kernel")                  # "kernel w" or "卷积核 w"
    t("panels.step", k=3, n=36)       # "step 3 / 36" or "第 3 / 36 步"
"""

from __future__ import annotations

import string

from ..lang import check_language, get_language

__all__ = ["TEXT", "t", "fields", "all_strings"]

TEXT: dict = {"en": {}, "zh": {}}


def _add(key: str, en: str, zh: str) -> None:
    TEXT["en"][key] = en
    TEXT["zh"][key] = zh


# --- shared by every animation ---------------------------------------------------------------
_add("panels.step", "step {k} / {n}", "第 {k} / {n} 步")

# --- viz/conv.py: the sliding kernel (S1-S2) -------------------------------------------------
_add("conv.padded_by", ", padded by {p}", "，填充 {p}")
_add("conv.pad_short", " (pad {p})", "（填充 {p}）")
_add("conv.input_title", "input {name}{pad}", "输入 {name}{pad}")
_add("conv.kernel", "kernel w", "卷积核 w")
_add("conv.products", "products x⊙w", "乘积 x⊙w")
_add("conv.output_so_far", "output z so far", "输出 z（已算部分）")
_add("conv.window", "window [{rows}, {cols}]", "窗口 [{rows}, {cols}]")
_add("conv.z_so_far", "z so far: z[{i}, {j}] = {value}", "z 已算到：z[{i}, {j}] = {value}")

# --- viz/conv.py: the weight gradient, the article's pen (S12) --------------------------------
_add("wgrad.describe", "pen at ({u}, {v}): ∂C/∂W[{f}, {c}, {u}, {v}] = Σ δ[i, j]·a⁰[{i}+{u}, {j}+{v}] = {value}",
     "笔尖在 ({u}, {v})：∂C/∂W[{f}, {c}, {u}, {v}] = Σ δ[i, j]·a⁰[{i}+{u}, {j}+{v}] = {value}")
_add("wgrad.input", "input a⁰{pad}", "输入 a⁰{pad}")
_add("wgrad.dw_so_far", "∂C/∂W so far", "∂C/∂W（已算部分）")
_add("wgrad.track", "the pen's track", "笔尖的轨迹")
_add("wgrad.error", "error δ", "误差 δ")
_add("wgrad.products", "products", "乘积")
_add("wgrad.a0_title", "{name}{pad}: the pen's track", "{name}{pad}：笔尖的轨迹")
_add("wgrad.dw_title", "∂C/∂W[{f}, {c}]: pen at ({u}, {v})", "∂C/∂W[{f}, {c}]：笔尖在 ({u}, {v})")
_add("wgrad.delta_title", "δ[{f}] slid to ({u}, {v})", "δ[{f}] 滑到 ({u}, {v})")
_add("wgrad.sums", "the pen: (u, v) = ({u}, {v}) on the\npaper; its track = where δ lies\n\n"
     "∂C/∂W[{u}, {v}] = Σ products = {value}\n\n∂C/∂b[{f}] = Σ δ[{f}] = {db}",
     "笔尖：纸上的 (u, v) = ({u}, {v})；\n它的轨迹 = δ 覆盖的区域\n\n"
     "∂C/∂W[{u}, {v}] = Σ 乘积 = {value}\n\n∂C/∂b[{f}] = Σ δ[{f}] = {db}")
_add("wgrad.caption_db", "∂C/∂b[{f}] = Σ δ[{f}] = {db}", "∂C/∂b[{f}] = Σ δ[{f}] = {db}")

# --- viz/unpool.py: unpooling (S10-S11) --------------------------------------------------------
_add("unpool.gap", "δ[{c}] = {d} → every cell of ∂C/∂a¹[{c}] gets {d}/{n}",
     "δ[{c}] = {d} → ∂C/∂a¹[{c}] 的每个格子得到 {d}/{n}")
_add("unpool.max", "{src} → ∂C/∂a¹[{c}, {r}, {q}] (the window's maximum)", "{src} → ∂C/∂a¹[{c}, {r}, {q}]（窗口的最大值处）")
_add("unpool.avg", "{src} → {d}/{n} to each cell of ∂C/∂a¹[{c}, {rows}, {cols}]",
     "{src} → ∂C/∂a¹[{c}, {rows}, {cols}] 的每个格子得到 {d}/{n}")
_add("unpool.forward_input", "forward input a¹", "前向输入 a¹")
_add("unpool.error_after", "error δ after pooling", "池化后的误差 δ")
_add("unpool.dx_so_far", "∂C/∂a¹ = unpooled δ, so far", "∂C/∂a¹ = 反池化的 δ（已算部分）")
_add("unpool.forward_input_c", "forward input a¹[{c}]", "前向输入 a¹[{c}]")
_add("unpool.after_gap", "δ after GAP, one per channel", "GAP 之后的 δ，每个通道一个")
_add("unpool.error_after_c", "error δ²[{c}] after pooling", "池化后的误差 δ²[{c}]")
_add("unpool.dx_so_far_c", "∂C/∂a¹[{c}] = unpooled δ, so far", "∂C/∂a¹[{c}] = 反池化的 δ（已算部分）")
_add("unpool.note_tie", "tie: {n} cells hold the maximum {m}; the first in row-major window order, {winner}, wins "
     "(as in PyTorch) and gets δ = {d}",
     "并列：{n} 个格子都是最大值 {m}；按窗口内行优先顺序的第一个 {winner} 胜出（与 PyTorch 相同），得到 δ = {d}")
_add("unpool.note_max", "the maximum {m} sits at {winner} of the window: it gets δ = {d}",
     "最大值 {m} 位于窗口的 {winner}：它得到 δ = {d}")
_add("unpool.note_avg", "each of the {n} cells gets δ/{n} = {d}/{n} = {share}", "{n} 个格子各得 δ/{n} = {d}/{n} = {share}")
_add("unpool.note_overlap", "; overlap: {n} cell(s) already held a share, and the shares add up",
     "；重叠：{n} 个格子已经有一份，各份相加")

# --- viz/rot180.py (S13) --------------------------------------------------------------------------
_add("rot180.done_describe", "rot180(W) = W[::-1, ::-1]: w[u, v] now sits at ({a}−u, {b}−v)",
     "rot180(W) = W[::-1, ::-1]：w[u, v] 现在位于 ({a}−u, {b}−v)")
_add("rot180.turning", "rot180: the kernel has turned {angle:.0f}° of 180°", "rot180：卷积核已转过 180° 中的 {angle:.0f}°")
_add("rot180.mirror", "rot180 as two mirror flips: {phase}", "rot180 即两次镜像翻转：{phase}")
_add("rot180.phase_turned", "turned {angle:.0f}° of 180°", "已转过 180° 中的 {angle:.0f}°")
_add("rot180.phase_rows", "flip rows (upside down)", "翻转各行（上下颠倒）")
_add("rot180.phase_cols", "flip columns (left-right)", "翻转各列（左右颠倒）")
_add("rot180.phase_done", "rot180(W): done", "rot180(W)：完成")
_add("rot180.reads_w", "  (reads W)", "  （读作 W）")
_add("rot180.reads_flipped", "  (reads W[::-1, :])", "  （读作 W[::-1, :]）")

# --- viz/full_conv.py (S13) ----------------------------------------------------------------------
_add("full.dilated", "dilated ×{s}, ", "膨胀 ×{s}，")
_add("full.padded_k1", "padded by K−1", "填充 K−1")
_add("full.delta_how", "δ {how}", "δ {how}")
_add("full.padded_f", "padded δ[{f}]", "填充后的 δ[{f}]")
_add("full.crop", ", crop {p}", "，裁掉 {p}")
_add("full.gather_title", "gather: ∂C/∂a so far{crop}", "收集：∂C/∂a（已算部分）{crop}")
_add("full.error", "error δ", "误差 δ")
_add("full.scatter_title", "scatter: ∂C/∂a so far", "散播：∂C/∂a（已算部分）")
_add("full.error_f", "error δ[{f}]", "误差 δ[{f}]")
_add("full.scatter_text", "δ = {d}\nadds δ · W[{f}]\nat ({top}, {left})", "δ = {d}\n把 δ · W[{f}]\n加到 ({top}, {left})")
_add("full.same", "\n\nsame answer:\nmax |diff| = {diff}", "\n\n结果相同：\nmax |diff| = {diff}")
_add("full.caption", "gather: {gather}\nscatter: δ[{f}, {i}, {j}] = {d} adds δ · W[{f}] at ({top}, {left})",
     "收集：{gather}\n散播：δ[{f}, {i}, {j}] = {d} 把 δ · W[{f}] 加到 ({top}, {left})")

# --- viz/matrix.py (S14) ---------------------------------------------------------------------------
_add("matrix.kernel", "kernel w", "卷积核 w")
_add("matrix.input_col", "input: column of C", "输入：C 的列")
_add("matrix.x_col", "x[{c}]: column of C", "x[{c}]：C 的列")
_add("matrix.output_row", "output: row of C", "输出：C 的行")
_add("matrix.z_row", "z[{f}]: row of C", "z[{f}]：C 的行")
_add("matrix.C_title", "C  ({R} × {K}): row k = output cell k, column = input pixel",
     "C（{R} × {K}）：第 k 行 = 第 k 个输出格子，列 = 输入像素")
_add("matrix.error", "error δ", "误差 δ")
_add("matrix.row_header", "row {k} of C = output cell z{where}: {n} weights meet {n} input pixels",
     "C 的第 {k} 行 = 输出格子 z{where}：{n} 个权重遇上 {n} 个输入像素")
_add("matrix.contribution", "δ{where} · column {k}", "δ{where} · 第 {k} 列")
_add("matrix.backflow", "Cᵀδ so far", "Cᵀδ（已算部分）")
_add("matrix.note", "column {k} of Cᵀ sends\nδ{where} = {d}\nto {n} input pixels\n\n",
     "Cᵀ 的第 {k} 列把\nδ{where} = {d}\n送到 {n} 个输入像素\n\n")
_add("matrix.note_done", "done: Cᵀδ\n= conv_transpose2d(δ, w)\n= conv2d_backward's dx\n(max |diff| = {diff}) →",
     "完成：Cᵀδ\n= conv_transpose2d(δ, w)\n= conv2d_backward 的 dx\n(max |diff| = {diff}) →")
_add("matrix.note_running", "the shares add up,\ncell by cell, to Cᵀδ:\nthe input gradient dx →",
     "各份逐格相加，\n得到 Cᵀδ：\n输入的梯度 dx →")
_add("matrix.T_header", "Cᵀ: column {k} carries the error δ{where} back to the input",
     "Cᵀ：第 {k} 列把误差 δ{where} 送回输入")
_add("matrix.cell_step", "cell {k} / {n}", "第 {k} / {n} 格")
_add("matrix.caption_row",
     "row {k} of C computes z{where} = {terms}\nits nonzero columns are the window on the input ({n} pixels)",
     "C 的第 {k} 行计算 z{where} = {terms}\n它的非零列就是输入上的窗口（{n} 个像素）")
_add("matrix.caption_gets", "x[{col}] gets {sym}·δ", "x[{col}] 得到 {sym}·δ")
_add("matrix.caption_col", "column {k} of Cᵀ: δ{where} = {d} flows back: {terms}\n"
     "all columns together: Cᵀδ = conv_transpose2d(δ, w) = conv2d_backward's dx (max |diff| = {diff})",
     "Cᵀ 的第 {k} 列：δ{where} = {d} 流回：{terms}\n"
     "所有列合起来：Cᵀδ = conv_transpose2d(δ, w) = conv2d_backward 的 dx (max |diff| = {diff})")
_add("matrix.slider", "output cell k", "输出格子 k")

# --- viz/receptive.py (S15) -------------------------------------------------------------------------
_add("rf.input_size", "input {size}×{size}", "输入 {size}×{size}")
_add("rf.kind_conv", "conv", "卷积")
_add("rf.kind_pool", "pool", "池化")
_add("rf.clipped", ", cut by the border to {h} × {w}", "，被边界截成 {h} × {w}")
_add("rf.holes", " ({n} holes: kernel < stride)", "（{n} 个空洞：卷积核 < 步幅）")
_add("rf.same", "✓ both give the same region", "✓ 两种方法得到同一区域")
_add("rf.differ", "✗ they differ", "✗ 两者不同")
_add("rf.note", "closed form (black box): {closed}\n      → input rows {t}..{b}, cols {l}..{r}{clipped}\n"
     "traced (dashed box, blue): {th} × {tw} pixels have a nonzero gradient{holes}   {verdict}",
     "公式（黑框）：{closed}\n      → 输入第 {t}..{b} 行，第 {l}..{r} 列{clipped}\n"
     "追踪（虚线框）：{th} × {tw} 个像素的梯度非零{holes}   {verdict}")
_add("rf.header", "neuron ({i}, {j}) at depth {depth} sees a {size} × {size} input region",
     "深度 {depth} 的神经元 ({i}, {j}) 看到 {size} × {size} 的输入区域")
_add("rf.depth_step", "depth {depth} / {n}", "深度 {depth} / {n}")
_add("rf.jump", ",  jump j = {jump}", "，  跳距 j = {jump}")
_add("rf.agree", "they agree ✓", "两者一致 ✓")
_add("rf.disagree", "they differ ✗", "两者不同 ✗")
_add("rf.inside", ", {h} × {w} inside the input", "，在输入内为 {h} × {w}")
_add("rf.caption", "neuron {neuron} at depth {depth}: closed form r = {r} (jump {jump}){extent}; "
     "traced: {th} × {tw} pixels; {verdict}",
     "深度 {depth} 的神经元 {neuron}：公式 r = {r}（跳距 {jump}）{extent}；追踪：{th} × {tw} 个像素；{verdict}")
_add("rf.not_changed", "stack not changed: {problem}\n", "网络层未改变：{problem}\n")
_add("rf.does_not_fit", "this stack does not fit: {problem}", "这组网络层放不下：{problem}")
_add("rf.row", "row i", "行 i")
_add("rf.depth", "depth", "深度")
_add("rf.kernel_slider", "{n} {kind}: kernel", "{n} {kind}：卷积核")
_add("rf.stride", "stride", "步幅")
_add("rf.col", "col j", "列 j")

# --- viz/flatten.py (S5) -----------------------------------------------------------------------------
_add("flat.channel", "channel c = {c}", "通道 c = {c}")
_add("flat.vector", "the flat vector ({layout}): position k holds cell {what} = k, coloured by its channel",
     "展平的向量（{layout}）：位置 k 存放格子 {what} = k，按通道着色")
_add("flat.nchw_note", "flatten (C → H → W): position {k} holds channel {c} at (h, w) = ({h}, {w}); unflatten puts it "
     "back there\nthe classifier's weight column W⁴[:, {k}] learns what channel {c} at ({h}, {w}) means",
     "展平（C → H → W）：位置 {k} 存放通道 {c} 在 (h, w) = ({h}, {w}) 的值；反展平把它放回原处\n"
     "分类器的权重列 W⁴[:, {k}] 学的是通道 {c} 在 ({h}, {w}) 的含义")
_add("flat.nhwc_header",
     "NHWC: position {k} = h·W·C + w·C + c = {h2}·{WC} + {w2}·{C} + {c2} holds (c, h, w) = ({c2}, {h2}, {w2})",
     "NHWC：位置 {k} = h·W·C + w·C + c = {h2}·{WC} + {w2}·{C} + {c2} 存放 (c, h, w) = ({c2}, {h2}, {w2})")
_add("flat.same_cell", "the same cell, by luck", "碰巧是同一个格子")
_add("flat.instead", "channel {c2} at ({h2}, {w2}) instead", "却是通道 {c2} 在 ({h2}, {w2}) 的值")
_add("flat.nhwc_note", "W⁴[:, {k}] was trained for channel {c} at ({h}, {w}) (dashed) but now multiplies {same}\n"
     "(solid): the numbers are all there, their meaning is not; transpose to (C, H, W) before flattening",
     "W⁴[:, {k}] 是为通道 {c} 在 ({h}, {w})（虚线）训练的，现在乘的{same}\n"
     "（实线）：数都在，含义却错了；展平前先转置成 (C, H, W)")
_add("flat.header", "flat index = c·H·W + h·W + w = {c}·{HW} + {h}·{W} + {w} = {k}",
     "展平索引 = c·H·W + h·W + w = {c}·{HW} + {h}·{W} + {w} = {k}")
_add("flat.caption", "flat index {k} = c·H·W + h·W + w = {c}·{HW} + {h}·{W} + {w}: channel {c} at (h, w) = ({h}, {w})",
     "展平索引 {k} = c·H·W + h·W + w = {c}·{HW} + {h}·{W} + {w}：通道 {c} 在 (h, w) = ({h}, {w})")
_add("flat.caption_wrong", "{line} is what the classifier expects;\nNHWC stores channel {c2} at ({h2}, {w2}) there, so "
     "weight column {k} multiplies the wrong feature",
     "{line}，这是分类器期望的；\nNHWC 在那里存的是通道 {c2} 在 ({h2}, {w2}) 的值，所以第 {k} 列权重乘错了特征")
_add("flat.caption_same", "{line};\nNHWC happens to store the same cell here; most other positions differ",
     "{line}；\nNHWC 在这里碰巧存的是同一个格子；其他大多数位置都不同")
_add("flat.slider", "flat index k", "展平索引 k")

# --- figures/diagrams.py: the network (S9) --------------------------------------------------------
_add("net.conv", "conv {F}@5×5\n+ ReLU", "卷积 {F}@5×5\n+ ReLU")
_add("net.pool", "max-pool\n2×2, stride 2", "最大池化\n2×2，步幅 2")
_add("net.flatten", "flatten\nC→H→W", "展平\nC→H→W")
_add("net.fc", "FC {K}", "全连接 {K}")
_add("net.softmax", "softmax\n= class\nprobabilities", "softmax\n= 各类别\n的概率")
# the backward pass (S9-S12)
_add("bwd.header", "the backward pass: the error travels right to left; the gradients branch off",
     "反向传播：误差从右向左传递，梯度从旁分出")
_add("bwd.delta4", "= a⁴ − y\n(softmax +\ncross-entropy)", "= a⁴ − y\n（softmax +\n交叉熵）")
_add("bwd.reshape", "reshape", "reshape")
_add("bwd.undo_flatten", "(undo the\nflatten)", "（撤销\n展平）")
_add("bwd.unpool", "unpool", "反池化")
_add("bwd.to_argmax", "max: to\nthe argmax", "max：送到\n最大值处")
_add("bwd.erratum2", "(erratum 2:\nthe article\nskips it)", "（勘误 2：\n原文漏了\n这一步）")
_add("bwd.sum_db1", "Σ δ¹ (over i, j)", "Σ δ¹（对 i, j 求和）")
# the MLP (S8): English uses mathtext, Chinese Unicode symbols (mathtext has no CJK glyphs)
_add("mlp.header", r"$w^l_{{jk}}$: the weight from neuron $k$ in layer $l-1$ to neuron $j$ in layer $l$",
     "wˡⱼₖ：从第 l−1 层的神经元 k 到第 l 层的神经元 j 的权重")
_add("mlp.input", "input", "输入")
_add("mlp.output", "output", "输出")
_add("mlp.hidden", "hidden", "隐藏")
_add("mlp.layer", "layer {L}\n{what}\n({rel})", "第 {L} 层\n{what}\n（{rel}）")
_add("mlp.weight", "$w^{layer}_{{{j}{k}}}$: from neuron $k = {k}$\nin layer {prev} to neuron $j = {j}$\nin layer {layer}: "
     "row {j}, column {k}\nof the matrix $W^{layer}$",
     "w{layer_sup}{j_sub}{k_sub}：从第 {prev} 层的\n神经元 k = {k} 到第 {layer} 层的\n神经元 j = {j}：矩阵 W{layer_sup}\n"
     "的第 {j} 行第 {k} 列")
_add("mlp.neuron",
     "neuron {j} of layer {layer}:\n$z^{layer}_{j} = \\Sigma_k\\, w^{layer}_{{{j}k}}\\,a^{prev}_k + b^{layer}_{j}$\n"
     "$a^{layer}_{j} = \\sigma(z^{layer}_{j})$\n\nall at once:\n$z^l = W^l a^{{l-1}} + b^l$",
     "第 {layer} 层的神经元 {j}：\nz{layer_sup}{j_sub} = Σₖ w{layer_sup}{j_sub}ₖ a{prev_sup}ₖ + b{layer_sup}{j_sub}\n"
     "a{layer_sup}{j_sub} = σ(z{layer_sup}{j_sub})\n\n一次算出整层：\nzˡ = Wˡ aˡ⁻¹ + bˡ")
# the MLP-vs-CNN table (S14)
_add("table.mlp", "MLP (fully connected)", "MLP（全连接）")
_add("table.cnn", "CNN (convolutional layer)", "CNN（卷积层）")
_add("table.idea", "the idea", "核心思想")
_add("table.bp2", "BP2\nerror goes back", "BP2\n误差反向传递")
_add("table.bp2_idea", "matrix transpose  ⟺\ntransposed convolution: Cᵀδ", "矩阵转置  ⟺\n转置卷积：Cᵀδ")
_add("table.bp4", "BP4\nweight gradient", "BP4\n权重的梯度")
_add("table.bp4_idea", "outer product  ⟺  convolution:\nδ slides over a like a kernel",
     "外积  ⟺  卷积：\nδ 像卷积核一样在 a 上滑动")
_add("table.bp3", "BP3\nbias gradient", "BP3\n偏置的梯度")
_add("table.bp3_idea", "one error per unit  ⟺\nthe sum of the whole error map", "每个单元一个误差  ⟺\n整张误差图求和")
_add("table.note",
     "CNN BP2 as written holds for stride 1 and no padding. In general (stride s, padding p, a K×K kernel, an H×H input):\n"
     "dilate δ by s (s − 1 zeros between entries), full-convolve it with rot180 W, append r = (H + 2p − K) mod s rows and\n"
     "columns of zeros at the bottom and right (pixels no window reads; PyTorch's output_padding), then crop p from every side.\n"
     r"The matrix view $\delta^l = (C^T \delta^{{l+1}}) \odot \sigma'(z^l)$ covers every case at once.",
     "上面的 CNN BP2 只在步幅 1、无填充时成立。一般情形（步幅 s，填充 p，K×K 卷积核，H×H 输入）：\n"
     "先把 δ 按 s 膨胀（相邻元素间插入 s − 1 个 0），再与 rot180 W 做全卷积，在底部和右侧补上 r = (H + 2p − K) mod s\n"
     "行和列的 0（没有窗口读到的像素，即 PyTorch 的 output_padding），最后从四周各裁掉 p。\n"
     "矩阵形式 δˡ = (Cᵀ δˡ⁺¹) ⊙ σ′(zˡ) 一次涵盖所有情形。")

# --- figures/maps.py -------------------------------------------------------------------------------
_add("pool.max", "max pooling", "最大池化")
_add("pool.avg", "average pooling", "平均池化")
_add("pool.l2", "L2 pooling", "L2 池化")
_add("pool.header", "one {H}×{W} map, {size}×{size} windows with stride {size}: three ways to summarise a window",
     "一张 {H}×{W} 的特征图，{size}×{size} 窗口，步幅 {size}：概括一个窗口的三种方法")
_add("pool.input", "input a¹ (windows dashed)", "输入 a¹（虚线为窗口）")
_add("pool.note", "purple: each window's maximum,\nthe cell that max pooling keeps",
     "紫色：每个窗口的最大值，\n即最大池化保留的格子")
_add("gap.header", "parameters of a head with {n} classes: flatten → FC  vs  GAP → FC",
     "{n} 个类别的分类头的参数量：展平 → 全连接  对比  GAP → 全连接")
_add("gap.stack_article", "the article's network", "原文的网络")
_add("gap.stack_bigger", "a bigger stack", "更大的特征图组")
_add("gap.tick", "{label}, {C}×{H}×{W} features:\nGAP needs {ratio:.0f}× fewer",
     "{label}，{C}×{H}×{W} 的特征：\nGAP 的参数只有 1/{ratio:.0f}")
_add("gap.ylabel", "parameters (log scale)", "参数量（对数坐标）")
_add("gap.flatten_legend", "flatten → FC: C·H·W·K + K", "展平 → 全连接：C·H·W·K + K")
_add("gap.gap_legend", "GAP → FC: C·K + K", "GAP → 全连接：C·K + K")
_add("cm.backward", "backward: column {k}\nof Cᵀ = row {k} of C", "反向：Cᵀ 的第 {k} 列\n= C 的第 {k} 行")
_add("rfig.input", "input", "输入")
_add("rfig.closed", "closed form  r ← r + (k−1)·j,  j ← j·s", "公式  r ← r + (k−1)·j，  j ← j·s")
_add("rfig.traced", "traced: nonzero gradients", "追踪：非零梯度")
_add("rfig.ylabel", "field size r", "感受野大小 r")
_add("rfig.note", "the field grows by (k−1)·j per layer;\nafter a stride-2 layer every later\nkernel step covers twice as much",
     "感受野每层增大 (k−1)·j；\n经过步幅 2 的层后，之后卷积核\n每走一步覆盖的范围翻倍")
_add("drop.dropout", "dropout p = {p}:\nsingle pixels", "dropout p = {p}：\n单个像素")
_add("drop.channel", "channel dropout p = {p}:\nwhole maps", "通道 dropout p = {p}：\n整张特征图")
_add("drop.block", "DropBlock {b}×{b}, p = {p}:\nsquare blocks", "DropBlock {b}×{b}，p = {p}：\n方块")
_add("drop.header", "three ways to drop units of the same {C} feature maps a² ({H}×{W}); black = dropped",
     "在同样 {C} 张特征图 a²（{H}×{W}）上丢弃单元的三种方法；黑色 = 被丢弃")
_add("drop.feature_map", "feature map a²", "特征图 a²")
_add("drop.kept", "{frac:.0%} kept", "保留 {frac:.0%}")


# --- the notebooks' own plots (issue 12): one group per module of bplib.viz / bplib.widgets -------
# viz/coevolution.py (notebook 04, S6)
_add("coevo.epoch", "epoch {e}", "第 {e} 轮")
_add("coevo.kernel", "kernel {f}", "卷积核 {f}")
_add("coevo.epoch_axis", "epoch", "训练轮次")
_add("coevo.relative_change", "relative change (%)", "相对变化（%）")
_add("coevo.change_title", "How much each layer changes per epoch", "每一轮各层的变化有多大")
_add("coevo.degrees", "degrees", "角度（度）")
_add("coevo.turn_title", "How far each kernel's pattern turns per epoch", "每一轮各卷积核的图案转过多少角度")
_add("coevo.band99", "median to 99th pct", "中位数到第 99 百分位")
_add("coevo.band90", "median to 90th pct", "中位数到第 90 百分位")
_add("coevo.median", "median", "中位数")
_add("coevo.mean", "mean", "均值")
_add("coevo.channel", "a³, channel {c}", "a³，通道 {c}")
_add("coevo.feature_value", "feature value", "特征的取值")
_add("coevo.mix_head", "head W⁴, b⁴ from epoch j", "第 j 轮的分类头 W⁴, b⁴")
_add("coevo.mix_kernels", "kernels W¹, b¹ from epoch i", "第 i 轮的卷积核 W¹, b¹")
_add("coevo.mix_title", "Held-out accuracy of mixed networks", "混合网络在留出集上的准确率")
_add("coevo.shift_axis", "shift of the image (pixels)", "图像的平移量（像素）")
_add("coevo.shift_title", "How much a shift changes each layer", "平移让各层改变了多少")

# viz/convlayer.py (notebook 01, S1-S2)
_add("convlayer.input", "input: {h} × {w} pixels", "输入：{h} × {w} 个像素")
_add("convlayer.hidden", "hidden layer: {h} × {w} neurons", "隐藏层：{h} × {w} 个神经元")
_add("convlayer.neuron", "neuron ({i}, {j})", "神经元 ({i}, {j})")
_add("convlayer.input_x", "input x", "输入 x")
_add("convlayer.kernel", "kernel {f}", "卷积核 {f}")
_add("convlayer.feature_map", "feature map z[0, {f}], {h} × {w}", "特征图 z[0, {f}]，{h} × {w}")
_add("convlayer.image", "the image", "彩色图像")
_add("convlayer.channel", "channel {c}: {name}", "通道 {c}：{name}")
_add("convlayer.red", "red", "红")
_add("convlayer.green", "green", "绿")
_add("convlayer.blue", "blue", "蓝")

# viz/errormaps.py (notebooks 06-07, S9-S10)
_add("errormaps.channel", "channel {ch}: {first}-{last}", "通道 {ch}：{first}-{last}")
_add("errormaps.index", "index {k}", "下标 {k}")

# viz/fields.py (notebook 12, S15)
_add("fields.depth", "depth {depth}", "深度 {depth}")
_add("fields.box", "{name} neuron {neuron}: {h} × {w}", "{name} 的神经元 {neuron}：{h} × {w}")
_add("fields.r", "receptive field r", "感受野 r")
_add("fields.j", "jump j", "跳距 j")
_add("fields.depth_axis", "depth (dotted lines: pooling)", "深度（点线：池化层）")
_add("fields.pixels", "input pixels", "输入像素数")

# viz/heads.py (notebook 03, S5, S7)
_add("heads.column", "column w", "列 w")
_add("heads.row", "row h", "行 h")
_add("heads.channel_c", "channel c = {c}", "通道 c = {c}")
_add("heads.flatten", "flatten: one vector, {parts}", "展平：一个向量，{parts}")
_add("heads.channel", "channel {c}", "通道 {c}")
_add("heads.class", "class {j}", "类别 {j}")
_add("heads.shift_axis", "shift of the input (pixels)", "输入的平移量（像素）")
_add("heads.chance", "chance", "随机猜测")
_add("heads.relative_change", "relative change", "相对变化")
_add("heads.change_title", "how much the features move", "特征移动了多少")
_add("heads.accuracy", "held-out accuracy", "留出集准确率")
_add("heads.accuracy_title", "what the classifier makes of it", "分类器受到多大影响")

# viz/learning.py (notebook 08)
_add("learning.step_k", "step {s}", "第 {s} 步")
_add("learning.step", "step", "步数")
_add("learning.cost", "cost", "代价")

# viz/legend.py (notebook 00): the role names beside each colour strip
_add("legend.input", "input", "输入")
_add("legend.kernel", "kernel", "卷积核")
_add("legend.output", "output", "输出")
_add("legend.error", "error", "误差")

# viz/params.py (notebook 12, S15)
_add("params.reference", "the article's 90%", "原文所说的 90%")
_add("params.xlabel", "share of parameters in fully connected layers", "全连接层的参数所占比例")

# viz/pool_derivative.py (notebook 07, S11)
_add("pool_derivative.input", "a¹ (the input)", "a¹（输入）")

# viz/pooling.py and widgets/pooling.py (notebook 02, S3); "max pooling" etc. are pool.max, pool.avg, pool.l2
_add("pooling.map", "a¹: {h} × {w} feature map", "a¹：{h} × {w} 特征图")
_add("pooling.pooled", "{pooling}: {h} × {w}", "{pooling}：{h} × {w}")
_add("pooling.window", "window ({m}, {n}): rows {top}–{bottom}, columns {left}–{right}",
     "窗口 ({m}, {n})：第 {top}–{bottom} 行，第 {left}–{right} 列")
_add("pooling.max", "max", "最大值")
_add("pooling.average", "average", "平均值")
_add("pooling.L2", "L2", "L2")
_add("pooling.value", "{name}: {value:.2f}", "{name}：{value:.2f}")
_add("pooling.channel", "a¹[0, {c}]\n{h} × {w}, max {top:.2f}", "a¹[0, {c}]\n{h} × {w}，最大值 {top:.2f}")
_add("pooling.channel_pooled", "{pooling}\n{h} × {w}, max {top:.2f}", "{pooling}\n{h} × {w}，最大值 {top:.2f}")
_add("pooling.slider", "window", "窗口")
_add("pooling.previous", "previous window", "上一个窗口")
_add("pooling.next", "next window", "下一个窗口")
_add("pooling.caption", "window ({m}, {n}):  max {max:.2f}   average {average:.2f}   L2 {L2:.2f}",
     "窗口 ({m}, {n})：  最大值 {max:.2f}   平均值 {average:.2f}   L2 {L2:.2f}")

# viz/regularize.py (notebook 12, S15)
_add("regularize.distance", "distance between two activations (pixels)", "两个激活值之间的距离（像素）")
_add("regularize.correlation", "correlation", "相关系数")
_add("regularize.channel", "channel {c}", "通道 {c}")

# viz/saturation.py (notebook 05, S8)
_add("saturation.quadratic", "sigmoid + quadratic cost: (a − y)·σ′(z)", "sigmoid + 二次代价：(a − y)·σ′(z)")
_add("saturation.cross_entropy", "softmax / sigmoid + cross-entropy: a − y", "softmax / sigmoid + 交叉熵：a − y")
_add("saturation.xlabel", "weighted input z of the output neuron", "输出神经元的带权输入 z")
_add("saturation.ylabel", "output error δ = ∂C/∂z", "输出误差 δ = ∂C/∂z")
_add("saturation.title", "one output neuron, target y = {target:g}", "一个输出神经元，目标 y = {target:g}")

# viz/training.py (notebook 11, S9)
_add("training.prefix", "{label}: ", "{label}：")
_add("training.minibatch", "mini-batch loss", "小批量损失")
_add("training.moving", "moving average, {window} steps", "滑动平均，{window} 步")
_add("training.epoch", "epoch", "训练轮次")
_add("training.loss", "cross-entropy loss", "交叉熵损失")
_add("training.train_acc", "training (during the epoch)", "训练集（该轮训练期间）")
_add("training.val_acc", "held-out (after the epoch)", "测试集（该轮结束后）")
_add("training.accuracy", "accuracy (%)", "准确率（%）")
_add("training.loss_title", "Loss per step", "每一步的损失")
_add("training.accuracy_title", "Accuracy per epoch", "每一轮的准确率")
_add("training.compare_loss", "Loss (moving average, {window} steps)", "损失（滑动平均，{window} 步）")
_add("training.compare_accuracy", "Held-out accuracy per epoch", "每一轮的测试集准确率")
_add("training.kernel", "kernel {k}, bias {b:+.2f}", "卷积核 {k}，偏置 {b:+.2f}")
_add("training.weight", "weight", "权重")
_add("training.a0", "a⁰: label {label}", "a⁰：标签 {label}")
_add("training.a1", "a¹, channel {c} ({h} × {w})", "a¹，通道 {c}（{h} × {w}）")
_add("training.a2", "a², channel {c} ({h} × {w})", "a²，通道 {c}（{h} × {w}）")
_add("training.class", "class", "类别")
_add("training.a4", "a⁴: probabilities", "a⁴：概率")
_add("training.predicted", "predicted digit", "预测的数字")
_add("training.true", "true digit", "真实的数字")
_add("training.mistake", "true {t} → {p}\n{conf:.0%}", "真实 {t} → 预测 {p}\n{conf:.0%}")


def t(key: str, lang: str | None = None, **fmt) -> str:
    """The catalogue's text for key in lang (default: bplib.lang.get_language()), its {fields} filled from fmt.

    Returns a str; KeyError naming the key if the catalogue has no such entry, ValueError for an unknown language.
    """
    lang = get_language() if lang is None else check_language(lang, "t")
    try:
        template = TEXT[lang][key]
    except KeyError:
        raise KeyError(f"t: the catalogue has no text {key!r} in {lang!r}") from None
    return template.format(**fmt)


def fields(template: str) -> set:
    """The {field} names a template fills (format specs and conversions dropped)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def all_strings(lang: str) -> list:
    """Every template of lang (the fixed text of every picture; fields are numbers, symbols or other entries)."""
    return list(TEXT[check_language(lang, "all_strings")].values())

