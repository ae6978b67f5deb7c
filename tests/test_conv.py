"""Convolution and pooling: naive == im2col == torch, gradients checked numerically and by autograd."""

import numpy as np
import pytest
import torch
import torch.nn.functional as tF

from lib.conv import (
    col2im,
    compose_kernels,
    conv_backward_im2col,
    conv_backward_naive,
    conv_fits,
    conv_forward_im2col,
    conv_forward_naive,
    conv_layer_stats,
    conv_output_size,
    im2col,
    max_pool_backward,
    max_pool_forward,
)
from lib.gradcheck import grad_check_sparse, numerical_gradient_array, relative_error

# (N, C, H, W, F, KH, KW, stride, padding): odd sizes, non-square kernels, strides that do not fit
SETTINGS = [(2, 3, 7, 7, 4, 3, 3, 1, 0), (2, 3, 7, 7, 2, 3, 3, 2, 1), (1, 1, 8, 9, 3, 5, 5, 1, 2),
            (3, 2, 6, 5, 2, 2, 3, 3, 1), (1, 4, 5, 5, 1, 5, 5, 1, 0)]


def _problem(setting, seed=0):
    N, C, H, W, F, KH, KW, stride, padding = setting
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(N, C, H, W)), rng.normal(size=(F, C, KH, KW)), rng.normal(size=F),
            stride, padding)


def test_output_size_and_the_decks_numbers():
    assert conv_output_size(7, 3) == 5 and conv_output_size(7, 3, stride=2) == 3
    assert conv_output_size(7, 3, stride=3) == 2 and not conv_fits(7, 3, stride=3)  # torch floors
    assert conv_fits(7, 3, stride=2) and conv_output_size(32, 5, padding=2) == 32
    stats = conv_layer_stats((3, 32, 32), 10, 5, padding=2, stride=1)
    assert stats["out_shape"] == (10, 32, 32) and stats["params"] == 760 and stats["macs"] == 768_000
    assert stats["weight_shape"] == (10, 3, 5, 5) and stats["fits"]
    assert conv_layer_stats((3, 32, 32), 6, 5)["out_shape"] == (6, 28, 28)
    for size, K, P, S in [(7, 3, 0, 3), (28, 5, 2, 1), (9, 4, 1, 2), (6, 6, 0, 1)]:
        conv = torch.nn.Conv2d(1, 1, K, stride=S, padding=P)
        assert conv(torch.zeros(1, 1, size, size)).shape[-1] == conv_output_size(size, K, P, S)


@pytest.mark.parametrize("setting", SETTINGS)
def test_forward_naive_im2col_and_torch_agree(setting):
    x, w, b, stride, padding = _problem(setting)
    out_naive, _ = conv_forward_naive(x, w, b, stride, padding)
    out_fast, _ = conv_forward_im2col(x, w, b, stride, padding)
    expected = tF.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), stride=stride,
                         padding=padding).numpy()
    assert out_naive.shape == expected.shape
    np.testing.assert_allclose(out_naive, expected, atol=1e-12)
    np.testing.assert_allclose(out_fast, expected, atol=1e-12)


@pytest.mark.parametrize("setting", SETTINGS)
def test_backward_matches_autograd(setting):
    x, w, b, stride, padding = _problem(setting, seed=1)
    out, cache_naive = conv_forward_naive(x, w, b, stride, padding)
    _, cache_fast = conv_forward_im2col(x, w, b, stride, padding)
    dout = np.random.default_rng(2).normal(size=out.shape)
    tensors = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    tF.conv2d(*tensors, stride=stride, padding=padding).backward(torch.from_numpy(dout))
    for grads in (conv_backward_naive(dout, cache_naive), conv_backward_im2col(dout, cache_fast)):
        for mine, t in zip(grads, tensors, strict=True):
            np.testing.assert_allclose(mine, t.grad.numpy(), atol=1e-11)


def test_conv_gradient_check():
    x, w, b, stride, padding = _problem((2, 2, 5, 5, 3, 3, 3, 2, 1), seed=3)
    out, cache = conv_forward_im2col(x, w, b, stride, padding)
    dout = np.random.default_rng(4).normal(size=out.shape)
    grads = conv_backward_naive(dout, conv_forward_naive(x, w, b, stride, padding)[1])
    for arr, analytic in zip((x, w, b), conv_backward_im2col(dout, cache), strict=True):
        forward = lambda _: conv_forward_im2col(x, w, b, stride, padding)[0]  # noqa: E731
        numeric = numerical_gradient_array(forward, arr, dout)
        assert relative_error(numeric, analytic) < 1e-7
    assert max(relative_error(g, h) for g, h in zip(grads, conv_backward_im2col(dout, cache),
                                                    strict=True)) < 1e-12
    errors = grad_check_sparse(lambda _: np.sum(conv_forward_naive(x, w, b, stride, padding)[0] * dout),
                               w, grads[1], num_checks=20)
    assert errors.max() < 1e-7


def test_im2col_is_unfold_and_col2im_is_fold():
    x = np.random.default_rng(5).normal(size=(2, 3, 6, 7))
    cols = im2col(x, (3, 2), stride=2, padding=1)
    expected = tF.unfold(torch.from_numpy(x), (3, 2), stride=2, padding=1).numpy()
    np.testing.assert_array_equal(cols, expected)
    back = col2im(cols, x.shape, (3, 2), stride=2, padding=1)
    folded = tF.fold(torch.from_numpy(expected), (6, 7), (3, 2), stride=2, padding=1).numpy()
    np.testing.assert_allclose(back, folded, atol=1e-12)


@pytest.mark.parametrize("pool, stride, shape",
                         [(2, 2, (2, 3, 8, 8)), (3, 2, (1, 2, 7, 9)), (2, 1, (2, 1, 5, 5))])
def test_max_pool_matches_torch(pool, stride, shape):
    x = np.random.default_rng(6).normal(size=shape)
    out, cache = max_pool_forward(x, pool, stride)
    x_t = torch.tensor(x, requires_grad=True)
    out_t = tF.max_pool2d(x_t, pool, stride)
    np.testing.assert_array_equal(out, out_t.detach().numpy())
    dout = np.random.default_rng(7).normal(size=out.shape)
    out_t.backward(torch.from_numpy(dout))
    dx = max_pool_backward(dout, cache)
    np.testing.assert_allclose(dx, x_t.grad.numpy(), atol=1e-12)
    numeric = numerical_gradient_array(lambda _: max_pool_forward(x, pool, stride)[0], x, dout)
    assert relative_error(numeric, dx) < 1e-7


def test_max_pool_known_answer():
    x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], dtype=float)[None, None]
    out, cache = max_pool_forward(x)
    np.testing.assert_array_equal(out[0, 0], [[6, 8], [3, 4]])
    dx = max_pool_backward(np.ones((1, 1, 2, 2)), cache)[0, 0]
    assert dx.sum() == 4 and dx[1, 1] == dx[1, 3] == dx[2, 0] == dx[3, 3] == 1


def test_two_convolutions_are_one():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(2, 3, 9, 8))
    w1, b1 = rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    w2, b2 = rng.normal(size=(5, 4, 3, 2)), rng.normal(size=5)
    stacked = conv_forward_im2col(conv_forward_im2col(x, w1, b1)[0], w2, b2)[0]
    w, b = compose_kernels(w1, b1, w2, b2)
    assert w.shape == (5, 3, 5, 4)
    np.testing.assert_allclose(conv_forward_im2col(x, w, b)[0], stacked, atol=1e-10)


@pytest.mark.parametrize("call, match", [
    (lambda: conv_output_size(7, 3, stride=0), "stride"),
    (lambda: conv_output_size(7, 0), "kernel"),
    (lambda: conv_output_size(7, 3, padding=-1), "padding"),
    (lambda: conv_output_size(4, 7, padding=1), "kernel 7 is larger"),
    (lambda: conv_output_size(7.5, 3), "size"),
    (lambda: conv_layer_stats((32, 32), 10, 5), "in_shape"),
    (lambda: conv_layer_stats((3, 32, 32), 0, 5), "num_filters"),
    (lambda: conv_forward_naive(np.zeros((1, 3, 5, 5)), np.zeros((2, 1, 3, 3)), np.zeros(2)), "w must be"),
    (lambda: conv_forward_im2col(np.zeros((1, 3, 5, 5)), np.zeros((2, 3, 3, 3)), np.zeros(3)), "b must be"),
    (lambda: conv_forward_im2col(np.zeros((3, 5, 5)), np.zeros((2, 3, 3, 3)), np.zeros(2)), "x must be"),
    (lambda: conv_forward_naive(np.zeros((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), [0], stride=0), "stride"),
    (lambda: conv_forward_im2col(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 5, 5)), np.zeros(1)), "kernel 5x5"),
    (lambda: conv_backward_naive(np.zeros((1, 1, 2, 2)),
                                 conv_forward_naive(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 3, 3)),
                                                    np.zeros(1))[1]), "dout"),
    (lambda: conv_backward_im2col(np.zeros((1, 2, 1, 1)),
                                  conv_forward_im2col(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 3, 3)),
                                                      np.zeros(1))[1]), "dout"),
    (lambda: im2col(np.zeros((1, 1, 4, 4)), 3, stride=0), "stride"),
    (lambda: col2im(np.zeros((1, 9, 3)), (1, 1, 4, 4), 3), "cols"),
    (lambda: max_pool_forward(np.zeros((1, 1, 4, 4)), pool=0), "pool"),
    (lambda: max_pool_forward(np.zeros((1, 1, 4, 4)), stride=0), "stride"),
    (lambda: max_pool_forward(np.zeros((1, 1, 2, 2)), pool=3), "pool 3 is larger"),
    (lambda: max_pool_forward(np.zeros((4, 4)), pool=2), "x must be"),
    (lambda: max_pool_backward(np.zeros((1, 1, 3, 3)), max_pool_forward(np.zeros((1, 1, 4, 4)))[1]), "dout"),
    (lambda: compose_kernels(np.zeros((2, 1, 3, 3)), np.zeros(2), np.zeros((1, 3, 3, 3)), np.zeros(1)), "w2"),
    (lambda: compose_kernels(np.zeros((2, 1, 3, 3)), np.zeros(1), np.zeros((1, 2, 3, 3)), np.zeros(1)), "b1"),
])
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()
