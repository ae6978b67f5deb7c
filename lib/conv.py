"""Convolution and max-pooling layers in numpy, naive and vectorized (im2col), with their sizes and costs.

As in every deep-learning library, "convolution" here is cross-correlation: the filter slides
over the input *without* being flipped, out[n, f, i, j] = sum over c, u, v of
x_pad[n, c, i S + u, j S + v] w[f, c, u, v] + b[f]. Forward/backward pairs follow cs231n's
layers.py: ``*_forward(...) -> (out, cache)``, ``*_backward(dout, cache) -> grads`` in the order
of the forward inputs. Introduced in the chapter on convolutional networks.
"""

import numpy as np

from lib._checks import integer


def conv_output_size(size, kernel, padding=0, stride=1):
    """Output width (W - K + 2P) // S + 1 of a convolution or pooling window; floors as torch does.

    size W: input width; kernel K; padding P on each side; stride S.
    """
    size, kernel = integer("size", size, 1), integer("kernel", kernel, 1)
    padding, stride = integer("padding", padding, 0), integer("stride", stride, 1)
    if kernel > size + 2 * padding:
        raise ValueError(f"kernel {kernel} is larger than the padded input {size} + 2 * {padding}")
    return (size - kernel + 2 * padding) // stride + 1


def conv_fits(size, kernel, padding=0, stride=1):
    """True when the filter's last position ends exactly at the padded input's edge: S divides W - K + 2P.

    When it does not, (W - K + 2P) / S is not an integer and the last rows or columns are never
    visited (torch floors silently; the lectures say such a setting "does not fit").
    """
    conv_output_size(size, kernel, padding, stride)  # validates the arguments
    return (size - kernel + 2 * padding) % stride == 0


def conv_layer_stats(in_shape, num_filters, kernel, padding=0, stride=1):
    """Shapes and costs of a convolution layer with num_filters K x K filters on an input (C, H, W).

    Returns {"out_shape": (F, H', W'), "weight_shape": (F, C, K, K), "params": F C K K + F
    (weights and one bias per filter), "macs": F H' W' C K K (one multiply-add per weight per
    output position), "fits": conv_fits in both directions}.
    """
    if len(tuple(in_shape)) != 3:
        raise ValueError(f"in_shape must be (C, H, W), got {in_shape!r}")
    C, H, W = (integer("in_shape", v, 1) for v in in_shape)
    F, K = integer("num_filters", num_filters, 1), integer("kernel", kernel, 1)
    H_out, W_out = conv_output_size(H, K, padding, stride), conv_output_size(W, K, padding, stride)
    return {"out_shape": (F, H_out, W_out), "weight_shape": (F, C, K, K), "params": F * C * K * K + F,
            "macs": F * H_out * W_out * C * K * K,
            "fits": conv_fits(H, K, padding, stride) and conv_fits(W, K, padding, stride)}


def _check_conv(x, w, b, stride, padding):
    x, w, b = (np.asarray(a, dtype=np.float64) for a in (x, w, b))
    if x.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W), got shape {x.shape}")
    if w.ndim != 4 or w.shape[1] != x.shape[1]:
        raise ValueError(f"w must be (F, C, KH, KW) with C = {x.shape[1]} channels to match x, "
                         f"got shape {w.shape}")
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must be (F,) = ({w.shape[0]},) to match w, got shape {b.shape}")
    stride, padding = integer("stride", stride, 1), integer("padding", padding, 0)
    H, W = x.shape[2:]
    if w.shape[2] > H + 2 * padding or w.shape[3] > W + 2 * padding:
        raise ValueError(f"w's kernel {w.shape[2]}x{w.shape[3]} is larger than the padded input "
                         f"{H + 2 * padding}x{W + 2 * padding}")
    return x, w, b, stride, padding


def _pad(x, padding):
    return np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))


def conv_forward_naive(x, w, b, stride=1, padding=0):
    """Convolution (cross-correlation) by explicit loops over images, filters and output positions.

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,) -> out: (N, F, H', W') with
    H' = (H - KH + 2P) // S + 1 (and W' alike); zero padding P on every side, stride S.
    """
    x, w, b, S, P = _check_conv(x, w, b, stride, padding)
    (N, _, H, W), (F, _, KH, KW) = x.shape, w.shape
    H_out, W_out = (H - KH + 2 * P) // S + 1, (W - KW + 2 * P) // S + 1
    x_pad, out = _pad(x, P), np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * S:i * S + KH, j * S:j * S + KW]  # (C, KH, KW)
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (x, w, b, S, P)


def conv_backward_naive(dout, cache):
    """dout: (N, F, H', W') -> dx: (N, C, H, W), dw: (F, C, KH, KW), db: (F,), by the same loops.

    Every output out[n, f, i, j] = sum(window * w[f]) + b[f] sends dout[n, f, i, j] times w[f]
    back to its window of x, times the window to w[f], and itself to b[f].
    """
    x, w, b, S, P = cache
    (N, _, H, W), (F, _, KH, KW) = x.shape, w.shape
    dout = np.asarray(dout, dtype=np.float64)
    H_out, W_out = (H - KH + 2 * P) // S + 1, (W - KW + 2 * P) // S + 1
    if dout.shape != (N, F, H_out, W_out):
        raise ValueError(f"dout must have the output's shape {(N, F, H_out, W_out)}, got {dout.shape}")
    x_pad = _pad(x, P)
    dx_pad, dw = np.zeros_like(x_pad), np.zeros_like(w)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    rows, cols = slice(i * S, i * S + KH), slice(j * S, j * S + KW)
                    dx_pad[n, :, rows, cols] += w[f] * dout[n, f, i, j]
                    dw[f] += x_pad[n, :, rows, cols] * dout[n, f, i, j]
    return dx_pad[:, :, P:P + H, P:P + W], dw, dout.sum(axis=(0, 2, 3))


def _kernel_pair(kernel):
    KH, KW = (kernel, kernel) if np.ndim(kernel) == 0 else tuple(kernel)
    return integer("kernel", KH, 1), integer("kernel", KW, 1)


def im2col(x, kernel, stride=1, padding=0):
    """Every receptive field of x: (N, C, H, W) as a column: cols (N, C KH KW, H' W').

    kernel: K or (KH, KW). The same layout as torch.nn.functional.unfold, so that
    w.reshape(F, -1) @ cols is the convolution, one matrix multiply per image.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W), got shape {x.shape}")
    (KH, KW), S, P = _kernel_pair(kernel), integer("stride", stride, 1), integer("padding", padding, 0)
    H_out, W_out = conv_output_size(x.shape[2], KH, P, S), conv_output_size(x.shape[3], KW, P, S)
    windows = np.lib.stride_tricks.sliding_window_view(_pad(x, P), (KH, KW), axis=(2, 3))
    windows = windows[:, :, ::S, ::S][:, :, :H_out, :W_out]  # (N, C, H', W', KH, KW), a view
    N, C = x.shape[:2]
    return windows.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * KH * KW, H_out * W_out)


def col2im(cols, x_shape, kernel, stride=1, padding=0):
    """The adjoint of im2col: add every column back onto its receptive field -> (N, C, H, W).

    cols: (N, C KH KW, H' W'); overlapping fields add up (torch.nn.functional.fold).
    """
    N, C, H, W = x_shape
    (KH, KW), S, P = _kernel_pair(kernel), integer("stride", stride, 1), integer("padding", padding, 0)
    H_out, W_out = conv_output_size(H, KH, P, S), conv_output_size(W, KW, P, S)
    cols = np.asarray(cols, dtype=np.float64)
    if cols.shape != (N, C * KH * KW, H_out * W_out):
        raise ValueError(f"cols must be (N, C KH KW, H' W') = {(N, C * KH * KW, H_out * W_out)}, "
                         f"got shape {cols.shape}")
    cols = cols.reshape(N, C, KH, KW, H_out, W_out)
    x_pad = np.zeros((N, C, H + 2 * P, W + 2 * P))
    for u in range(KH):  # one strided slice per kernel offset: a loop of KH KW steps, not N H' W'
        for v in range(KW):
            x_pad[:, :, u:u + S * H_out:S, v:v + S * W_out:S] += cols[:, :, u, v]
    return x_pad[:, :, P:P + H, P:P + W]


def conv_forward_im2col(x, w, b, stride=1, padding=0):
    """The convolution of conv_forward_naive as one matrix multiply: (F, C KH KW) @ (C KH KW, H' W')."""
    x, w, b, S, P = _check_conv(x, w, b, stride, padding)
    (N, _, H, W), (F, _, KH, KW) = x.shape, w.shape
    cols = im2col(x, (KH, KW), S, P)
    out = w.reshape(F, -1) @ cols + b[:, None]  # (N, F, H' W')
    H_out, W_out = conv_output_size(H, KH, P, S), conv_output_size(W, KW, P, S)
    return out.reshape(N, F, H_out, W_out), (x.shape, cols, w, S, P)


def conv_backward_im2col(dout, cache):
    """dout: (N, F, H', W') -> dx, dw, db: the backward pass of the matrix multiply, then col2im."""
    x_shape, cols, w, S, P = cache
    dout = np.asarray(dout, dtype=np.float64)
    N, F = x_shape[0], w.shape[0]
    if dout.ndim != 4 or dout.shape[:2] != (N, F) or dout.shape[2] * dout.shape[3] != cols.shape[2]:
        raise ValueError(f"dout must be (N, F, H', W') with N, F = {N}, {F} and H' W' = {cols.shape[2]}, "
                         f"got shape {dout.shape}")
    dout_flat = dout.reshape(N, F, -1)
    dw = np.einsum("nfl,nkl->fk", dout_flat, cols).reshape(w.shape)
    dx = col2im(w.reshape(F, -1).T @ dout_flat, x_shape, w.shape[2:], S, P)
    return dx, dw, dout.sum(axis=(0, 2, 3))


def max_pool_forward(x, pool=2, stride=2):
    """Max pooling: the largest value of every pool x pool window, windows stride apart.

    x: (N, C, H, W) -> out: (N, C, H', W') with H' = (H - pool) // stride + 1. No parameters.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W), got shape {x.shape}")
    pool, stride = integer("pool", pool, 1), integer("stride", stride, 1)
    if pool > min(x.shape[2:]):
        raise ValueError(f"pool {pool} is larger than the input's {x.shape[2]}x{x.shape[3]}")
    cols = im2col(x.reshape(-1, 1, *x.shape[2:]), pool, stride)  # (N C, pool^2, H' W')
    arg = cols.argmax(axis=1)  # which of the window's entries won: the first one on ties
    H_out, W_out = (conv_output_size(size, pool, 0, stride) for size in x.shape[2:])
    out = np.take_along_axis(cols, arg[:, None], axis=1).reshape(*x.shape[:2], H_out, W_out)
    return out, (x.shape, arg, pool, stride, out.shape)


def max_pool_backward(dout, cache):
    """dout: (N, C, H', W') -> dx: (N, C, H, W): each gradient goes to its window's maximum, 0 elsewhere."""
    x_shape, arg, pool, stride, out_shape = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != out_shape:
        raise ValueError(f"dout must have the pooled output's shape {out_shape}, got {dout.shape}")
    dcols = np.zeros((arg.shape[0], pool * pool, arg.shape[1]))
    np.put_along_axis(dcols, arg[:, None], dout.reshape(arg.shape)[:, None], axis=1)
    dx = col2im(dcols, (arg.shape[0], 1, *x_shape[2:]), pool, stride)  # overlapping windows add
    return dx.reshape(x_shape)


def compose_kernels(w1, b1, w2, b2):
    """One convolution equal to conv(conv(x, w1, b1), w2, b2) without padding, stride 1, no nonlinearity.

    w1: (F1, C, K1, K1), b1: (F1,), w2: (F2, F1, K2, K2), b2: (F2,) -> w: (F2, C, K1 + K2 - 1, ...)
    and b: (F2,). For cross-correlations w[g, c] = sum over f of the full convolution of w1[f, c]
    with w2[g, f]: the receptive field grows from K1 to K1 + K2 - 1.
    """
    w1, b1, w2, b2 = (np.asarray(a, dtype=np.float64) for a in (w1, b1, w2, b2))
    if w1.ndim != 4 or b1.shape != (w1.shape[0],):
        raise ValueError(f"w1 must be (F1, C, K1, K1) and b1 (F1,), got {w1.shape} and {b1.shape}")
    if w2.ndim != 4 or w2.shape[1] != w1.shape[0] or b2.shape != (w2.shape[0],):
        raise ValueError(f"w2 must be (F2, F1, K2, K2) with F1 = {w1.shape[0]} and b2 (F2,), "
                         f"got {w2.shape} and {b2.shape}")
    (F2, _, K2h, K2w), (_, C, K1h, K1w) = w2.shape, w1.shape
    w = np.zeros((F2, C, K1h + K2h - 1, K1w + K2w - 1))
    for u in range(K2h):  # the second filter's tap (u, v) sees the first filter shifted by (u, v)
        for v in range(K2w):
            w[:, :, u:u + K1h, v:v + K1w] += np.einsum("gf,fcij->gcij", w2[:, :, u, v], w1)
    return w, b2 + np.einsum("gfij,f->g", w2, b1)
