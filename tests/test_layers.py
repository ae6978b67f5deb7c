import numpy as np
import pytest
import torch

from lib.gradcheck import numerical_gradient, numerical_gradient_array, relative_error
from lib.layers import (
    MLP,
    affine_backward,
    affine_forward,
    mse_loss,
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    softmax_cross_entropy,
    tanh_backward,
    tanh_forward,
)

ACTIVATIONS = [(relu_forward, relu_backward, torch.relu), (sigmoid_forward, sigmoid_backward, torch.sigmoid),
               (tanh_forward, tanh_backward, torch.tanh)]


def test_affine_known_answer_and_gradcheck():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(4, 5)), rng.normal(size=(3, 5)), rng.normal(size=3)
    out, cache = affine_forward(x, w, b)
    np.testing.assert_allclose(out, np.array([[x[n] @ w[m] + b[m] for m in range(3)] for n in range(4)]))
    dout = rng.normal(size=out.shape)
    dx, dw, db = affine_backward(dout, cache)
    for arr, analytic in [(x, dx), (w, dw), (b, db)]:
        numeric = numerical_gradient_array(lambda _: affine_forward(x, w, b)[0], arr, dout)
        assert relative_error(numeric, analytic) < 1e-7


def test_affine_matches_torch_linear():
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=(6, 4)), rng.normal(size=(2, 4)), rng.normal(size=2)
    out, cache = affine_forward(x, w, b)
    dout = rng.normal(size=out.shape)
    tensors = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out_t = torch.nn.functional.linear(*tensors)
    out_t.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-12)
    for mine, t in zip(affine_backward(dout, cache), tensors, strict=True):
        np.testing.assert_allclose(mine, t.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("forward", "backward", "torch_fn"), ACTIVATIONS)
def test_activations_gradcheck_and_torch(forward, backward, torch_fn):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 7)) * 3
    out, cache = forward(x)
    dout = rng.normal(size=x.shape)
    dx = backward(dout, cache)
    numeric = numerical_gradient_array(lambda x_: forward(x_)[0], x.copy(), dout)
    assert relative_error(numeric, dx) < 1e-7
    x_t = torch.tensor(x, requires_grad=True)
    out_t = torch_fn(x_t)
    out_t.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dx, x_t.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_sigmoid_is_stable():
    out, _ = sigmoid_forward(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(out, [0.0, 0.5, 1.0])


def test_relu_gate_at_zero_is_closed():
    _, cache = relu_forward(np.array([-1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(relu_backward(np.ones(3), cache), [0.0, 0.0, 1.0])


def test_losses_gradcheck_and_torch():
    rng = np.random.default_rng(3)
    scores, y = rng.normal(size=(8, 5)), rng.integers(5, size=8)
    loss, dscores = softmax_cross_entropy(scores, y)
    numeric = numerical_gradient(lambda s: softmax_cross_entropy(s, y)[0], scores.copy())
    assert relative_error(numeric, dscores) < 1e-7
    s_t = torch.tensor(scores, requires_grad=True)
    loss_t = torch.nn.functional.cross_entropy(s_t, torch.tensor(y))
    loss_t.backward()
    assert loss == pytest.approx(loss_t.item(), rel=1e-12)
    np.testing.assert_allclose(dscores, s_t.grad.numpy(), rtol=1e-10, atol=1e-15)

    pred, target = rng.normal(size=(8, 3)), rng.normal(size=(8, 3))
    loss, dpred = mse_loss(pred, target)
    assert relative_error(numerical_gradient(lambda p: mse_loss(p, target)[0], pred.copy()), dpred) < 1e-7
    p_t = torch.tensor(pred, requires_grad=True)
    loss_t = torch.nn.functional.mse_loss(p_t, torch.tensor(target))
    loss_t.backward()
    assert loss == pytest.approx(loss_t.item(), rel=1e-12)
    np.testing.assert_allclose(dpred, p_t.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_mlp_gradcheck(activation):
    rng = np.random.default_rng(4)
    model = MLP([6, 5, 4, 3], activation=activation, seed=1)
    X, y = rng.normal(size=(7, 6)), rng.integers(3, size=7)
    for k in (1, 2, 3):  # zero biases can put a pre-activation exactly on ReLU's kink
        model.params[f"b{k}"] += rng.normal(size=model.params[f"b{k}"].shape)
    _, grads = model.loss(X, y)
    assert set(grads) == set(model.params) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    for name, w in model.params.items():
        numeric = numerical_gradient(lambda _: model.loss(X, y)[0], w)
        assert relative_error(numeric, grads[name]) < 1e-7, name


def test_mlp_matches_torch():
    rng = np.random.default_rng(5)
    model = MLP([8, 16, 16, 4], seed=2)
    X, y = rng.normal(size=(10, 8)), rng.integers(4, size=10)
    loss, grads = model.loss(X, y)
    net = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16),
                              torch.nn.ReLU(), torch.nn.Linear(16, 4)).double()
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for k, layer in enumerate(linears, start=1):
            layer.weight.copy_(torch.tensor(model.params[f"W{k}"]))
            layer.bias.copy_(torch.tensor(model.params[f"b{k}"]))
    loss_t = torch.nn.functional.cross_entropy(net(torch.tensor(X)), torch.tensor(y))
    loss_t.backward()
    assert loss == pytest.approx(loss_t.item(), rel=1e-12)
    for k, layer in enumerate(linears, start=1):
        np.testing.assert_allclose(grads[f"W{k}"], layer.weight.grad.numpy(), rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(grads[f"b{k}"], layer.bias.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_mlp_init_and_predict():
    model = MLP([64, 32, 10], seed=0)
    assert model.params["W1"].shape == (32, 64) and model.params["b2"].shape == (10,)
    assert np.std(model.params["W1"]) == pytest.approx(np.sqrt(2 / 64), rel=0.05)
    assert np.all(model.params["b1"] == 0)
    assert np.all(MLP([3, 2], weight_scale=0.5, activation="tanh", seed=0).params["W1"] != 0)
    X = np.random.default_rng(0).normal(size=(5, 64))
    assert model.predict(X).shape == (5,)
    np.testing.assert_array_equal(model.predict(X), np.argmax(model.forward(X)[0], axis=1))
    np.testing.assert_array_equal(MLP([64, 32, 10], seed=0).params["W1"], model.params["W1"])


def test_mlp_learns_digits():
    from lib.data import load_digits_split, minibatches
    from lib.optim import Adam

    X_train, y_train, X_test, y_test = load_digits_split()
    model = MLP([64, 32, 10], seed=0)
    opt = Adam(model.params, lr=1e-2)
    rng = np.random.default_rng(0)
    for _ in range(5):
        for X_b, y_b in minibatches(X_train / 16, y_train, 64, rng=rng):
            opt.step(model.loss(X_b, y_b)[1])
    assert np.mean(model.predict(X_test / 16) == y_test) > 0.9


def test_bad_input():
    with pytest.raises(ValueError, match="x must be a 2-D"):
        affine_forward(np.ones(3), np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match="w must be"):
        affine_forward(np.ones((1, 3)), np.ones((2, 4)), np.ones(2))
    with pytest.raises(ValueError, match="b must be"):
        affine_forward(np.ones((1, 3)), np.ones((2, 3)), np.ones(3))
    _, cache = affine_forward(np.ones((1, 3)), np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match="dout"):
        affine_backward(np.ones((1, 3)), cache)
    with pytest.raises(ValueError, match="dout"):
        relu_backward(np.ones(2), relu_forward(np.ones(3))[1])
    with pytest.raises(ValueError, match="target"):
        mse_loss(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="y must"):
        softmax_cross_entropy(np.ones((2, 3)), [0, 3])
    with pytest.raises(ValueError, match="sizes"):
        MLP([64])
    with pytest.raises(ValueError, match="sizes"):
        MLP([64, 0, 10])
    with pytest.raises(ValueError, match="activation"):
        MLP([4, 2], activation="gelu")
    with pytest.raises(ValueError, match="weight_scale"):
        MLP([4, 2], weight_scale=0)
    with pytest.raises(ValueError, match="X must be"):
        MLP([4, 2]).forward(np.ones((3, 5)))


def test_the_numpy_mlp_in_torch_computes_the_same_scores_and_gradients():
    import torch

    net = MLP([5, 7, 3], activation="tanh", seed=2)
    X, y = np.random.default_rng(0).normal(size=(6, 5)), np.array([0, 1, 2, 0, 1, 2])
    model = net.to_torch()
    scores = model(torch.from_numpy(X))
    assert np.allclose(scores.detach().numpy(), net.forward(X)[0], atol=1e-12)
    torch.nn.functional.cross_entropy(scores, torch.from_numpy(y)).backward()
    _, grads = net.loss(X, y)
    assert relative_error(model[0].weight.grad.numpy(), grads["W1"]) < 1e-12
    assert relative_error(model[2].bias.grad.numpy(), grads["b2"]) < 1e-12


def test_inverted_dropout_keeps_the_mean_and_passes_gradients_through_kept_units_only():
    from lib.layers import dropout_backward, dropout_forward

    x = np.ones((400, 500))
    out, mask = dropout_forward(x, 0.3, rng=np.random.default_rng(0))
    assert set(np.unique(out)) == {0.0, 1 / 0.7}  # dropped, or scaled up by 1 / (1 - p)
    assert abs(np.mean(out == 0) - 0.3) < 0.005 and abs(out.mean() - 1) < 0.01
    dx = dropout_backward(np.full_like(x, 2.0), mask)
    np.testing.assert_array_equal(dx, 2.0 * out)
    test_out, cache = dropout_forward(x, 0.3, train=False)
    assert cache is None and np.array_equal(test_out, x) and np.array_equal(dropout_backward(x, cache), x)
    # the gradient check, with the mask held fixed (it is part of the function for one pass)
    xs = np.random.default_rng(1).normal(size=(3, 4))
    out, mask = dropout_forward(xs, 0.5, rng=np.random.default_rng(2))
    dout = np.random.default_rng(3).normal(size=xs.shape)
    numeric = numerical_gradient_array(lambda v: v * mask, xs.copy(), dout)
    assert relative_error(dropout_backward(dout, mask), numeric) < 1e-8


def test_dropout_behaves_as_torch_in_train_and_eval_mode():
    from lib.layers import dropout_forward

    x = torch.ones(200, 500)
    layer = torch.nn.Dropout(0.25)
    torch_out = layer.train()(x).numpy()
    ours, _ = dropout_forward(x.numpy(), 0.25, rng=np.random.default_rng(0))
    np.testing.assert_allclose(np.unique(torch_out), [0.0, 1 / 0.75], rtol=1e-6)  # dropped, or scaled up
    np.testing.assert_allclose(np.unique(ours), [0.0, 1 / 0.75], rtol=1e-12)
    assert abs(np.mean(torch_out == 0) - np.mean(ours == 0)) < 0.01  # the same fraction dropped
    np.testing.assert_array_equal(layer.eval()(x).numpy(), dropout_forward(x.numpy(), 0.25, train=False)[0])
    with pytest.raises(ValueError, match="p must be"):
        dropout_forward(x.numpy(), 1.0)
