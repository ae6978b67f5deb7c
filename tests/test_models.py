"""Torch models: LeNet-5 as in the lecture's table, AlexNet and VGG-16 counted by hand, the layer table."""

import numpy as np
import pytest
import torch

from lib.models import (
    VGG16_CONFIG,
    alexnet,
    format_layer_table,
    layer_outputs,
    layer_table,
    layer_totals,
    lenet5,
    vgg16,
)


def test_lenet5_shapes_and_parameter_count():
    model = lenet5()
    assert model(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    counts = [p.numel() for p in model.parameters()]
    # conv1 20*1*5*5+20, conv2 50*20*5*5+50, fc1 2450*500+500, fc2 500*10+10
    assert counts == [500, 20, 25000, 50, 1225000, 500, 5000, 10]


def test_lenet5_bad_input():
    with pytest.raises(ValueError, match="num_classes"):
        lenet5(num_classes=0)


# --- AlexNet, VGG-16 and the per-layer table ---------------------------------------------------

# The lecture's LeNet-5 table: (layer, output size, weight size); torch stores a linear layer's
# weight as (out, in), the transpose of the lecture's "2450 x 500".
LENET_DECK = [
    ("Input", (1, 28, 28), None),
    ("Conv (C_out=20, K=5, P=2, S=1)", (20, 28, 28), (20, 1, 5, 5)),
    ("ReLU", (20, 28, 28), None),
    ("MaxPool (K=2, S=2)", (20, 14, 14), None),
    ("Conv (C_out=50, K=5, P=2, S=1)", (50, 14, 14), (50, 20, 5, 5)),
    ("ReLU", (50, 14, 14), None),
    ("MaxPool (K=2, S=2)", (50, 7, 7), None),
    ("Flatten", (2450,), None),
    ("Linear (2450 -> 500)", (500,), (500, 2450)),
    ("ReLU", (500,), None),
    ("Linear (500 -> 10)", (10,), (10, 500)),
]


def test_lenet5_table_matches_the_lecture():
    rows = layer_table(lenet5(), (1, 28, 28))
    assert [(r["layer"], r["output"], r["weight"]) for r in rows] == LENET_DECK
    # multiply-adds by hand: conv F*H'*W'*C*K*K, linear in*out
    assert [r["macs"] for r in rows if r["macs"]] == [20 * 28 * 28 * 1 * 25, 50 * 14 * 14 * 20 * 25,
                                                     2450 * 500, 500 * 10]
    assert layer_totals(rows)["params"] == sum(p.numel() for p in lenet5().parameters())


def test_table_on_the_meta_device_equals_a_real_forward_pass():
    with torch.device("meta"):
        meta_model = lenet5()
    assert next(meta_model.parameters()).is_meta
    assert layer_table(meta_model, (1, 28, 28)) == layer_table(lenet5(), (1, 28, 28))


def test_table_counts_grouped_convolutions_and_leaves_the_mode_alone():
    model = torch.nn.Sequential(torch.nn.Conv2d(4, 6, 3, groups=2), torch.nn.Dropout())
    model.train()
    rows = layer_table(model, (4, 5, 5))
    assert rows[1]["macs"] == 6 * 3 * 3 * (4 // 2) * 3 * 3 and rows[1]["params"] == 6 * 2 * 9 + 6
    assert model.training and not model[0]._forward_hooks


def test_alexnet_parameters_by_hand():
    with torch.device("meta"):
        model = alexnet()
    conv = [(3, 64, 11), (64, 192, 5), (192, 384, 3), (384, 256, 3), (256, 256, 3)]
    fc = [(256 * 6 * 6, 4096), (4096, 4096), (4096, 1000)]
    by_hand = sum(c_out * c_in * k * k + c_out for c_in, c_out, k in conv) + sum(a * b + b for a, b in fc)
    assert by_hand == 61_100_840  # 2,469,696 in the convolutions, 58,631,144 in the linear layers
    rows = layer_table(model, (3, 224, 224))
    totals = layer_totals(rows)
    assert totals["params"] == by_hand and totals["conv_params"] == 2_469_696
    pools = [r["output"] for r in rows if r["kind"] == "MaxPool2d"]
    assert pools == [(64, 27, 27), (192, 13, 13), (256, 6, 6)]
    assert rows[1]["output"] == (64, 55, 55)
    assert layer_table(model, (3, 227, 227))[1]["output"] == (64, 56, 56)  # 227 fits as well
    # conv1 by hand: 64 filters * 55 * 55 positions * 3*11*11 weights each
    assert rows[1]["macs"] == 64 * 55 * 55 * 3 * 11 * 11


def test_vgg16_has_138_million_parameters_and_15_giga_multiply_adds():
    with torch.device("meta"):
        model = vgg16()
    rows = layer_table(model, (3, 224, 224))
    totals = layer_totals(rows)
    assert totals["params"] == 138_357_544
    assert 15.4e9 < totals["macs"] < 15.6e9 and totals["conv_macs"] > 0.99 * totals["macs"]
    assert sum(r["kind"] == "Conv2d" for r in rows) == 13 and sum(r["kind"] == "Linear" for r in rows) == 3
    assert rows[-1]["output"] == (1000,)
    assert len([c for c in VGG16_CONFIG if c != "M"]) + 3 == 16  # the 16 weight layers of its name


def test_small_models_run_for_real():
    model = vgg16(num_classes=7, config=(8, "M", 16, "M", 16, "M", 16, "M", 16, "M"))
    assert model(torch.zeros(1, 3, 224, 224)).shape == (1, 7)
    assert alexnet(num_classes=5)[-1].out_features == 5


def test_format_layer_table_is_markdown_with_a_total():
    text = format_layer_table(layer_table(lenet5(), (1, 28, 28)))
    lines = text.splitlines()
    assert lines[0].startswith("| Layer |") and len(lines) == 2 + len(LENET_DECK) + 1
    assert "| 20 x 28 x 28 | 20 x 1 x 5 x 5 | 520 | 392,000 |" in text.replace("\u00a0", " ")
    assert lines[-1] == "| **Total** |  |  | 1,256,080 | 6,522,000 |"


def test_features_are_the_first_layers_outputs_in_eval_mode():
    torch.manual_seed(0)
    model = lenet5()
    X = torch.rand(7, 1, 28, 28)
    with torch.no_grad():
        penultimate = model[:-1](X).numpy()
        conv1 = model[:2](X).numpy()
    out = layer_outputs(model, X.numpy(), batch_size=3)  # three batches: 3, 3, 1
    assert out.dtype == np.float32 and out.shape == (7, 500)
    np.testing.assert_allclose(out, penultimate, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer_outputs(model, X, layer=2), conv1, rtol=1e-5, atol=1e-6)
    assert model.training  # left in the mode it was found in
    # dropout is off: two calls agree, and equal the network without its dropout layers
    net = torch.nn.Sequential(torch.nn.Linear(4, 50), torch.nn.Dropout(0.5), torch.nn.ReLU(),
                              torch.nn.Linear(50, 2))
    x = torch.rand(5, 4)
    np.testing.assert_array_equal(layer_outputs(net, x), layer_outputs(net, x))
    with torch.no_grad():
        np.testing.assert_allclose(layer_outputs(net, x), torch.relu(net[0](x)).numpy(), rtol=1e-6)
    assert layer_outputs(net.eval(), x).shape == (5, 50) and not net.training


@pytest.mark.parametrize("call, error, match", [
    (lambda: layer_outputs(torch.nn.Linear(2, 2), torch.zeros(1, 2)), TypeError, "Sequential"),
    (lambda: layer_outputs(lenet5(), torch.zeros(1, 1, 28, 28), layer=0), ValueError, "layer"),
    (lambda: layer_outputs(lenet5(), torch.zeros(1, 1, 28, 28), layer=-10), ValueError, "layer"),
    (lambda: layer_outputs(lenet5(), torch.zeros(1, 1, 28, 28), layer=1.0), ValueError, "layer"),
    (lambda: layer_outputs(lenet5(), torch.zeros(1, 1, 28, 28), batch_size=0), ValueError, "batch_size"),
    (lambda: layer_outputs(lenet5(), torch.zeros(0, 1, 28, 28)), ValueError, "no rows"),
])
def test_features_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("call, error, match", [
    (lambda: alexnet(num_classes=0), ValueError, "num_classes"),
    (lambda: vgg16(num_classes=2.5), ValueError, "num_classes"),
    (lambda: vgg16(config=(64, "X")), ValueError, "config"),
    (lambda: vgg16(config=()), ValueError, "config"),
    (lambda: layer_table("lenet", (1, 28, 28)), TypeError, "model"),
    (lambda: layer_table(lenet5(), (28, 28)), ValueError, "input_shape"),
    (lambda: layer_table(lenet5(), (1, 32, 32)), ValueError, "input_shape"),
    (lambda: layer_table(lenet5(), (1, 0, 28)), ValueError, "input_shape"),
    (lambda: format_layer_table([], columns=("layer", "colour")), ValueError, "columns"),
])
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
