"""Captions of the static figures (figures/, figures/zh/) for the site's gallery and course map, in both editions.

Each entry: file name -> (English alt text, Chinese alt text). The English ones follow the README's gallery.
"""

FIGURES = {
    "network.png": ("The article's network: a⁰ 1×28×28, conv 3@5×5, z¹/a¹ 3×24×24, max-pool, a² 3×12×12, "
                    "flatten a³ 432, fully connected 10, z⁴/a⁴",
                    "文章中的网络：a⁰ 1×28×28，卷积 3@5×5，z¹/a¹ 3×24×24，最大池化，a² 3×12×12，展平 a³ 432，全连接 10，z⁴/a⁴"),
    "sliding_kernel.gif": ("The kernel sliding over the padded input, one output cell per step",
                           "卷积核在填充后的输入上滑动，每一步得到一个输出单元"),
    "backward_pass.png": ("The backward pass: δ⁴, δ³, δ², unpooling to ∂C/∂a¹, times σ′(z¹) to δ¹, and the gradients "
                          "of W⁴, b⁴, W¹, b¹",
                          "反向传播：δ⁴、δ³、δ²，反池化得到 ∂C/∂a¹，乘以 σ′(z¹) 得到 δ¹，以及 W⁴、b⁴、W¹、b¹ 的梯度"),
    "weight_gradient.gif": ("The weight gradient: the pen fixed at one kernel position, the error map sliding over the input",
                            "权重梯度：笔尖固定在卷积核的一个位置，误差图在输入上滑动"),
    "mlp.png": ("A 3-4-2 multilayer perceptron with the weight from neuron 2 of layer 1 to neuron 3 of layer 2 highlighted",
                "一个 3-4-2 的多层感知机，突出显示第 1 层神经元 2 到第 2 层神经元 3 的权重"),
    "bp_table.png": ("BP2, BP4 and BP3 for a fully connected and a convolutional layer, side by side",
                     "全连接层与卷积层的 BP2、BP4、BP3 并排对照"),
    "unpool_max.gif": ("Max unpooling: each error cell goes back to the maximum of its window",
                       "最大反池化：每个误差单元回到其窗口中最大值的位置"),
    "unpool_avg.gif": ("Average unpooling: each error cell is spread in equal quarters over its 2×2 window",
                       "平均反池化：每个误差单元平均分成四份，铺到它的 2×2 窗口上"),
    "unpool_gap.gif": ("Unpooling through global average pooling: each channel's error spread evenly over the whole map",
                       "经全局平均池化的反池化：每个通道的误差均匀分到整张特征图上"),
    "rot180.gif": ("The kernel rotated by 180 degrees, step by step", "卷积核逐步旋转 180 度"),
    "full_conv.gif": ("BP2 as a full convolution with rot180(W): the error gathered and scattered",
                      "把 BP2 写成与 rot180(W) 的全卷积：误差的收集与散播"),
    "conv_matrix.png": ("The convolution matrix C of a 3×3 kernel on a 4×4 input, and its transpose",
                        "3×3 卷积核作用在 4×4 输入上的卷积矩阵 C 及其转置"),
    "receptive_field.png": ("Receptive-field growth with depth: closed form against traced gradients",
                            "感受野随深度增大：闭式公式与梯度追踪的对比"),
    "poolings.png": ("Max, average and L2 pooling of the same 24×24 map side by side",
                     "同一张 24×24 特征图的最大池化、平均池化与 L2 池化并排比较"),
    "flatten_order.png": ("The flatten order: which cell of the C×H×W tensor lands at which index of the vector",
                          "展平顺序：C×H×W 张量的每个单元落到向量的哪个下标"),
    "gap_vs_flatten.png": ("A flatten head against a global-average-pooling head: shapes and parameter counts",
                           "展平分类头与全局平均池化分类头的对比：形状与参数个数"),
    "dropout_masks.png": ("Masks of dropout, channel dropout and DropBlock on the same feature maps",
                          "同一组特征图上的 dropout、通道 dropout 与 DropBlock 掩码"),
}

# Order of the gallery: the README's gallery first, then the rest.
GALLERY = ["network.png", "sliding_kernel.gif", "backward_pass.png", "weight_gradient.gif", "mlp.png", "bp_table.png",
           "unpool_max.gif", "full_conv.gif", "conv_matrix.png", "receptive_field.png", "poolings.png", "flatten_order.png",
           "gap_vs_flatten.png", "unpool_avg.gif", "unpool_gap.gif", "rot180.gif", "dropout_masks.png"]


def alt(name: str, lang: str) -> str:
    """The alt text of figure `name` (e.g. "network.png" or "unpool_max.png", the key frame of a GIF) in `lang` ("en"/"zh")."""
    if lang not in ("en", "zh"):
        raise ValueError(f"alt: lang must be 'en' or 'zh', got {lang!r}")
    key = name if name in FIGURES else name.rsplit(".", 1)[0] + ".gif"
    if key not in FIGURES:
        raise KeyError(f"alt: no caption for figure {name!r}; add it to tools/site/figures.py")
    text = FIGURES[key][lang == "zh"]
    if key != name:  # the PNG key frame of an animation
        text += " (key frame)" if lang == "en" else "（关键帧）"
    return text
