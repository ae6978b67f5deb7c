"""The book's own kernels timed against their peers, side by side in one run.

Every comparison first checks that the implementations agree, then times each one (the best
of a few repeats, after a warm-up) and reports its time relative to the fastest peer.
"""

import time

import numpy as np


def best_time(fn, repeats=3):
    """The fastest of `repeats` calls of fn() after one warm-up call, in seconds."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _rows(group, timings):
    fastest = min(timings.values())
    return [{"group": group, "implementation": name, "seconds": t, "ratio": t / fastest}
            for name, t in timings.items()]


def knn_distances(quick=False, repeats=3):
    """L2 distances between test and training digits: the book's three ways, scikit-learn, torch."""
    import torch
    from sklearn.metrics import pairwise_distances

    from lib.data import load_digits_split
    from lib.knn import distances_no_loops, distances_one_loop, distances_two_loops

    X_train, _, X_test, _ = load_digits_split()
    X_test = X_test[: 20 if quick else 200]
    ours = distances_no_loops(X_test, X_train)
    peers = {
        "lib.knn two loops": lambda: distances_two_loops(X_test, X_train),
        "lib.knn one loop": lambda: distances_one_loop(X_test, X_train),
        "lib.knn no loops": lambda: distances_no_loops(X_test, X_train),
        "sklearn pairwise_distances": lambda: pairwise_distances(X_test, X_train),
        "torch.cdist": lambda: torch.cdist(torch.from_numpy(X_test), torch.from_numpy(X_train)),
    }
    for name, fn in peers.items():
        np.testing.assert_allclose(np.asarray(fn()), ours, rtol=1e-6, atol=1e-6, err_msg=name)
    group = f"kNN L2 distances, {len(X_test)} x {len(X_train)} digits of 64 pixels"
    return _rows(group, {name: best_time(fn, repeats) for name, fn in peers.items()})


def convolution(quick=False, repeats=3):
    """A convolution layer forward and backward: naive loops, im2col, torch conv2d (float64)."""
    import torch
    import torch.nn.functional as F

    from lib.conv import (
        conv_backward_im2col,
        conv_backward_naive,
        conv_forward_im2col,
        conv_forward_naive,
    )

    rng = np.random.default_rng(0)
    N, C, H, Fn, K = (2, 3, 16, 8, 5) if quick else (8, 3, 32, 16, 5)
    x, w, b = rng.normal(size=(N, C, H, H)), rng.normal(size=(Fn, C, K, K)), rng.normal(size=Fn)
    dout = rng.normal(size=(N, Fn, H, H))
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))

    def torch_step():
        for t in (xt, wt, bt):
            t.grad = None
        out = F.conv2d(xt, wt, bt, padding=K // 2)
        out.backward(torch.from_numpy(dout))
        return out.detach().numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()

    def ours(forward, backward):
        def step():
            out, cache = forward(x, w, b, 1, K // 2)
            return (out, *backward(dout, cache))
        return step

    peers = {"lib.conv naive": ours(conv_forward_naive, conv_backward_naive),
             "lib.conv im2col": ours(conv_forward_im2col, conv_backward_im2col),
             "torch conv2d + autograd": torch_step}
    reference = torch_step()
    for name, fn in peers.items():
        for got, want in zip(fn(), reference, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-8, err_msg=name)
    group = f"conv {K}x{K} pad {K // 2}, forward + backward, x {N}x{C}x{H}x{H}, {Fn} filters (float64)"
    return _rows(group, {name: best_time(fn, repeats) for name, fn in peers.items()})


def mlp_step(quick=False, repeats=5):
    """One training step (forward, backward, SGD update) of a 64-100-10 ReLU MLP: numpy vs torch."""
    import torch

    from lib.data import load_digits_split
    from lib.layers import MLP

    X, y, _, _ = load_digits_split(unit=True)
    X = X[:128] if quick else X
    y = y[: len(X)]
    net = MLP([64, 100, 10], seed=0)
    model = net.to_torch()  # the same weights
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    lr = 0.1

    def numpy_step():
        loss, grads = net.loss(X, y)
        for key, g in grads.items():
            net.params[key] -= lr * g
        return loss

    def torch_step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(X_t), y_t)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(3):  # same data, same weights: the same losses, step after step
        np.testing.assert_allclose(numpy_step(), torch_step(), rtol=1e-10)
    group = f"MLP 64-100-10 training step on {len(X)} digits (float64)"
    return _rows(group, {"lib.layers.MLP (numpy)": best_time(numpy_step, repeats),
                         "torch nn + autograd": best_time(torch_step, repeats)})


def autodiff(quick=False, repeats=3):
    """Gradient of a scalar network by the book's engine, by torch on scalars and on tensors."""
    import torch

    from lib.autodiff import Value

    rng = np.random.default_rng(0)
    D, H = (4, 4) if quick else (16, 16)
    x0, W1, w2 = rng.normal(size=D), rng.normal(size=(H, D)) / np.sqrt(D), rng.normal(size=H)

    def network(x, W1, w2):  # f(x) = sum_j w2_j tanh(sum_i W1_ji x_i): the same graph in every library
        return sum((w2[j] * sum((W1[j][i] * x[i] for i in range(D)), 0.0).tanh() for j in range(H)), 0.0)

    def engine():
        x = [Value(v) for v in x0]
        out = network(x, W1.tolist(), w2.tolist())
        out.backward()
        return np.array([v.grad for v in x])

    def torch_scalars():
        x = [torch.tensor(v, requires_grad=True) for v in x0]
        network(x, W1.tolist(), w2.tolist()).backward()
        return np.array([v.grad.item() for v in x])

    W1_t, w2_t = torch.from_numpy(W1), torch.from_numpy(w2)

    def torch_tensors():
        x = torch.tensor(x0, requires_grad=True)
        (w2_t * torch.tanh(W1_t @ x)).sum().backward()
        return x.grad.numpy()

    peers = {"lib.autodiff.Value": engine, "torch autograd, scalar tensors": torch_scalars,
             "torch autograd, one tensor graph": torch_tensors}
    want = W1.T @ (w2 * (1 - np.tanh(W1 @ x0) ** 2))
    for name, fn in peers.items():
        np.testing.assert_allclose(fn(), want, rtol=1e-9, err_msg=name)
    x = [Value(v) for v in x0]
    num_ops = sum(1 for node in network(x, W1.tolist(), w2.tolist()).topological_order() if node.op)
    group = f"autodiff: gradient of sum_j v_j tanh(W x)_j, {H}x{D} weights ({num_ops} scalar operations)"
    return _rows(group, {name: best_time(fn, repeats) for name, fn in peers.items()})


ALL = {"knn": knn_distances, "conv": convolution, "mlp": mlp_step, "autodiff": autodiff}


def run_all(quick=False):
    """Every comparison: a list of rows {group, implementation, seconds, ratio}."""
    return [row for fn in ALL.values() for row in fn(quick=quick)]


def lenet_time_to_accuracy(quick=False, target=0.985):
    """LeNet-5 trained on the digits with chapter 11's recipe (lib.models.LENET5_RECIPE): the time
    until the test accuracy first reaches `target` (epochs cost the same, so that is the total
    time times the fraction of epochs run by then), the total time, and the final accuracy."""
    import torch

    from lib.data import load_digits_split, upsample_digits
    from lib.models import LENET5_RECIPE, lenet5
    from lib.train_torch import train_torch

    X_train, y_train, X_test, y_test = load_digits_split()
    X_train, X_test = upsample_digits(X_train), upsample_digits(X_test)
    if quick:
        X_train, y_train = X_train[:128], y_train[:128]
    recipe = LENET5_RECIPE | ({"num_epochs": 2} if quick else {})  # chapter 11's, from lib
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the chapter does: one thread is faster for this small network
    try:
        torch.manual_seed(0)
        model = lenet5().to(memory_format=torch.channels_last)
        start = time.perf_counter()
        history = train_torch(model, X_train, y_train, X_val=X_test, y_val=y_test, progress=False, **recipe)
        total = time.perf_counter() - start
    finally:
        torch.set_num_threads(threads)
    accs = history["val_acc"]
    reached = next((k for k, acc in enumerate(accs) if acc >= target), None)
    to_target = None if reached is None else total * (reached + 1) / len(accs)
    summary = (f"{len(accs)} epochs in {total:.1f} s, test accuracy {accs[-1]:.1%} at the end; "
               + (f"{target:.1%} first reached after epoch {reached + 1}, at about {to_target:.1f} s."
                  if reached is not None else f"{target:.1%} never reached."))
    return {"epochs": len(accs), "seconds": total, "final_acc": accs[-1], "epoch_reached": reached,
            "seconds_to_target": to_target, "summary": summary}
