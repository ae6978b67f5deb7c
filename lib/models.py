"""Torch models of the network chapters: LeNet-5 (and, later, AlexNet and VGG-16).

torch is imported inside the functions, so importing lib.models costs nothing.
Introduced in the chapters on convolutional networks and on LeNet-5 and AlexNet.
"""


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
