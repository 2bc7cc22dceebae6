"""The notebooks' static plots: each ``draw_*(ax, ...)`` draws one picture on an Axes and returns its artists.

Unlike the animations beside this package (one state per step, updated in place), these are
drawn once, where a notebook would otherwise hold a long matplotlib cell. Words come from the
catalogue, so the Chinese notebooks draw the same pictures in Chinese.

    legend.py           the palette's roles (00)
    convlayer.py        channels, kernels and feature maps of a conv layer (01)
    pooling.py          max / average / L2 pooling side by side (02)
    heads.py            flatten head vs GAP head, shifted inputs (03)
    coevolution.py      kernels and features across epochs (04)
    saturation.py       why a - y does not saturate (05)
    errormaps.py        error maps of the article's network (06-07)
    pool_derivative.py  da2/da1 as a 0/1 or 1/4 pattern (07)
    grids.py            value grids and map sums (08-10)
    learning.py         a kernel learned by gradient descent (08)
    training.py         learning curves, kernels, confusion, mistakes (11)
    fields.py           receptive fields, closed form vs traced (12)
    params.py           where the parameters are (12)
    regularize.py       dropout, channel dropout and DropBlock masks (12)
"""
