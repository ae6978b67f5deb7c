"""Torch models: shapes through LeNet-5 as in the lecture's table."""

import pytest
import torch

from lib.models import lenet5


def test_lenet5_shapes_and_parameter_count():
    model = lenet5()
    assert model(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    counts = [p.numel() for p in model.parameters()]
    # conv1 20*1*5*5+20, conv2 50*20*5*5+50, fc1 2450*500+500, fc2 500*10+10
    assert counts == [500, 20, 25000, 50, 1225000, 500, 5000, 10]


def test_lenet5_bad_input():
    with pytest.raises(ValueError, match="num_classes"):
        lenet5(num_classes=0)
