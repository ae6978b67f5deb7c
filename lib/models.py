"""Torch models of the network chapters: LeNet-5, AlexNet and VGG-16, and what each layer costs.

layer_table runs a model once on a dummy input and lists, per layer, the output shape, the
weight shape, the number of parameters and the number of multiply-adds. A model built on
torch's "meta" device (`with torch.device("meta"): vgg16()`) has shapes but no numbers, so
its table costs neither memory nor time. torch is imported inside the functions, so importing
lib.models costs nothing. Introduced in the chapters on convolutional networks and on LeNet-5
and AlexNet.
"""

from lib._checks import integer
from lib.data import random_shifts

# How chapter 11 trains LeNet-5 on the digits (lib.train_torch.train_torch's settings), and the
# benchmark with it: Adam, minibatches of 64, 12 epochs, random shifts of up to 2 pixels, a
# cosine learning-rate schedule, and the training accuracy read from the batches as trained.
LENET5_RECIPE = {"optimizer": "adam", "lr": 2e-3, "batch_size": 64, "num_epochs": 12,
                 "augment": random_shifts, "lr_schedule": "cosine", "running_acc": True, "seed": 0}

# VGG-16 (Simonyan & Zisserman 2015, configuration "D"): 3x3 convolutions with that many
# filters (padding 1), "M" a 2x2 max-pool of stride 2.
VGG16_CONFIG = (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M")


def _check_classes(num_classes):
    num_classes = integer("num_classes", num_classes, 1)
    return int(num_classes)


def lenet5(num_classes=10, in_channels=1):
    """LeNet-5 as in the lecture's table, for 1x28x28 inputs: returns a torch nn.Sequential.

    conv 20 5x5 pad 2 -> ReLU -> max-pool 2 -> conv 50 5x5 pad 2 -> ReLU -> max-pool 2 ->
    flatten (50*7*7 = 2,450) -> linear 500 -> ReLU -> linear num_classes.
    Input x: (N, in_channels, 28, 28); output: (N, num_classes) scores.
    """
    from torch import nn

    if int(num_classes) < 1 or int(in_channels) < 1:
        raise ValueError(f"num_classes and in_channels must be >= 1, got {num_classes}, {in_channels}")
    return nn.Sequential(
        nn.Conv2d(in_channels, 20, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(20, 50, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(50 * 7 * 7, 500), nn.ReLU(), nn.Linear(500, num_classes))


def alexnet(num_classes=1000):
    """AlexNet (Krizhevsky et al. 2012) on one GPU, with the lectures' 64 first-layer filters.

    The layout of torchvision's AlexNet (Krizhevsky's 2014 single-tower variant), which the
    lectures show: conv 64 11x11 stride 4 pad 2 -> ReLU -> max-pool 3 stride 2 ->
    conv 192 5x5 pad 2 -> ReLU -> max-pool 3/2 -> conv 384 3x3 -> ReLU -> conv 256 3x3 -> ReLU ->
    conv 256 3x3 -> ReLU -> max-pool 3/2 -> flatten (256*6*6 = 9,216) -> dropout ->
    linear 4096 -> ReLU -> dropout -> linear 4096 -> ReLU -> linear num_classes (3x3 convs pad 1).
    The 2012 paper's network had 96, 256, 384, 384, 256 filters split over two GPUs, and local
    response normalization. Input x: (N, 3, 224, 224) (227 works too); output (N, num_classes).
    """
    from torch import nn

    num_classes = _check_classes(num_classes)
    return nn.Sequential(
        nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(), nn.MaxPool2d(3, stride=2),
        nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(3, stride=2),
        nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(3, stride=2),
        nn.Flatten(), nn.Dropout(0.5), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, num_classes))


def vgg16(num_classes=1000, config=VGG16_CONFIG):
    """VGG-16 (Simonyan & Zisserman 2015) built from its configuration list, for 3x224x224 inputs.

    Every number in config is a 3x3 convolution (padding 1) with that many filters and a ReLU;
    every "M" a 2x2 max-pool of stride 2. Five pools bring 224 to 7, then flatten
    (512*7*7 = 25,088) -> linear 4096 -> ReLU -> dropout -> linear 4096 -> ReLU -> dropout ->
    linear num_classes. 138 million parameters: build it under `with torch.device("meta"):`
    to inspect it for free. Input x: (N, 3, 224, 224); output (N, num_classes).
    """
    from torch import nn

    num_classes = _check_classes(num_classes)
    if not config or any(c != "M" and (not isinstance(c, int) or c < 1) for c in config):
        raise ValueError(f"config must list filter counts (integers >= 1) and 'M' for pools, got {config!r}")
    layers, channels = [], 3
    for c in config:
        if c == "M":
            layers.append(nn.MaxPool2d(2, stride=2))
        else:
            layers += [nn.Conv2d(channels, c, kernel_size=3, padding=1), nn.ReLU()]
            channels = c
    side = 224 // 2 ** sum(c == "M" for c in config)
    return nn.Sequential(
        *layers, nn.Flatten(), nn.Linear(channels * side * side, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, num_classes))


def _describe(module):
    """The lecture's name for a layer: 'Conv (C_out=20, K=5, P=2, S=1)', 'Linear (2450 -> 500)'."""
    name = type(module).__name__
    if name == "Conv2d":
        (k, _), (p, _), (s, _) = module.kernel_size, module.padding, module.stride
        return f"Conv (C_out={module.out_channels}, K={k}, P={p}, S={s})"
    if name == "MaxPool2d":
        return f"MaxPool (K={module.kernel_size}, S={module.stride})"
    if name == "Linear":
        return f"Linear ({module.in_features} -> {module.out_features})"
    if name == "Dropout":
        return f"Dropout (p={module.p})"
    return name


def _multiply_adds(module, output):
    """Multiply-adds of one call: conv F*H'*W' * (C/groups)*K*K, linear in*out per row; else 0."""
    name = type(module).__name__
    if name == "Conv2d":
        k_h, k_w = module.kernel_size
        return output[0].numel() * module.in_channels // module.groups * k_h * k_w
    if name == "Linear":
        return output[0].numel() * module.in_features
    return 0  # ReLU, pooling, dropout, flatten: no multiply-adds (their comparisons are not counted)


def layer_table(model, input_shape):
    """One row per layer call of model on one input of input_shape (C, H, W), via forward hooks.

    Each row is a dict: "layer" (the lecture's name), "kind" (the torch class name), "output"
    (shape without the batch axis), "weight" (torch's shape, (out, in) for linear layers, or
    None), "params" and "macs" (multiply-adds; biases, pooling and activations count 0).
    The first row is the input. Works on the "meta" device without computing anything.
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(input_shape, tuple | list) or not input_shape or \
            any(not isinstance(n, int) or n < 1 for n in input_shape):
        raise ValueError(f"input_shape must be positive integers like (C, H, W), got {input_shape!r}")
    rows = [{"layer": "Input", "kind": "Input", "output": tuple(input_shape), "weight": None,
             "params": 0, "macs": 0}]

    def record(module, inputs, output):
        weight = getattr(module, "weight", None)
        rows.append({"layer": _describe(module), "kind": type(module).__name__,
                     "output": tuple(output.shape[1:]),
                     "weight": tuple(weight.shape) if weight is not None else None,
                     "params": sum(p.numel() for p in module.parameters()),
                     "macs": _multiply_adds(module, output)})

    leaves = [m for m in model.modules() if not list(m.children())]
    hooks = [m.register_forward_hook(record) for m in leaves]
    device = next(model.parameters(), torch.empty(0)).device
    training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros(1, *input_shape, device=device))
    except RuntimeError as error:
        raise ValueError(f"input_shape {tuple(input_shape)} does not fit the model: {error}") from error
    finally:
        model.train(training)
        for hook in hooks:
            hook.remove()
    return rows


def layer_totals(rows):
    """Totals of a layer_table: "params" and "macs", and the parts of each in Conv2d and Linear layers."""
    totals = {"params": 0, "macs": 0, "conv_params": 0, "conv_macs": 0, "linear_params": 0, "linear_macs": 0}
    for row in rows:
        prefix = {"Conv2d": "conv_", "Linear": "linear_"}.get(row["kind"])
        for key in ("params", "macs"):
            totals[key] += row[key]
            if prefix:
                totals[prefix + key] += row[key]
    return totals


def format_layer_table(rows, columns=("layer", "output", "weight", "params", "macs")):
    """A layer_table as a Markdown table (shapes as 20 x 28 x 28, counts with thousands separators).

    The spaces inside a shape do not break, so that a narrow column never splits a shape.
    """
    headers = {"layer": "Layer", "kind": "Kind", "output": "Output size", "weight": "Weight size",
               "params": "Parameters", "macs": "Multiply-adds"}
    if any(c not in headers for c in columns):
        raise ValueError(f"columns must be taken from {list(headers)}, got {list(columns)}")

    def cell(row, column):
        value = row[column]
        if column in ("output", "weight"):
            return "" if value is None else "\u00a0x\u00a0".join(str(n) for n in value)  # no line breaks
        return f"{value:,}" if isinstance(value, int) else str(value)

    totals = layer_totals(rows)
    total_row = [f"{totals[c]:,}" if c in ("params", "macs") else "" for c in columns]
    total_row[0] = total_row[0] or "**Total**"
    lines = ["| " + " | ".join(headers[c] for c in columns) + " |",
             "| " + " | ".join("---:" if c in ("params", "macs") else "---" for c in columns) + " |"]
    lines += ["| " + " | ".join(cell(row, c) for c in columns) + " |" for row in rows]
    lines.append("| " + " | ".join(total_row) + " |")
    return "\n".join(lines)


def layer_outputs(model, X, layer=-1, batch_size=1000):
    """What an nn.Sequential model computes in its first layers, model[:layer](X), as a numpy array.

    layer counts as the end of a Python slice: layer=-1 (the default) runs every layer but the
    last, so for a classifier that ends in a linear layer these are its **penultimate features**,
    the learned representation that the last layer classifies (LeNet-5's 500 ReLU outputs).
    X: (N, ...) array or tensor (on any device). Returns float32 (N, ...): computed without
    gradients, in evaluation mode (dropout off), batch_size rows at a time on the model's device;
    the model is left in the mode it was found in. Introduced in the chapter on LeNet-5 and AlexNet.
    """
    import torch

    from lib.train_torch import _eval_batches

    if not isinstance(model, torch.nn.Sequential):
        raise TypeError(f"model must be a torch.nn.Sequential, got {type(model).__name__}")
    if isinstance(layer, bool) or not isinstance(layer, int) or len(model[:layer]) == 0:
        raise ValueError(f"layer must be an integer that keeps at least one of the model's {len(model)} "
                         f"layers (model[:layer]), got {layer!r}")
    batch_size = integer("batch_size", batch_size, 1)
    parts = [out.cpu() for out, _ in _eval_batches(model, X, batch_size=batch_size, head=model[:layer])]
    if not parts:
        raise ValueError("X holds no rows")
    return torch.cat(parts).numpy()
