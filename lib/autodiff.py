"""A tiny scalar automatic-differentiation engine: reverse mode (backprop) and forward mode.

Every operation computes its value and its LOCAL derivatives d out / d input, then calls
``_apply``, the one place where the two modes differ:

* ``Value`` (reverse mode) records the graph; ``backward()`` visits it in reverse topological
  order and applies the chain rule  dL/d input += (d out / d input) * dL/d out;
* ``Dual`` (forward mode) carries a tangent along: d out = sum (d out / d input) * d input.

In the spirit of Karpathy's micrograd. Introduced in the chapter on backpropagation.
"""

import math
import numbers

import numpy as np

from lib._checks import integer


def _check_number(name, value):
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


class Scalar:
    """The operations both modes share: + - * / ** (number), neg, relu, tanh, exp, log, sin, sigmoid."""

    def _lift(self, other):
        return other if isinstance(other, type(self)) else self._constant(_check_number("other", other))

    def __add__(self, other):
        other = self._lift(other)
        return self._apply(self.data + other.data, "+", (self, 1.0), (other, 1.0))

    def __sub__(self, other):
        other = self._lift(other)
        return self._apply(self.data - other.data, "-", (self, 1.0), (other, -1.0))

    def __mul__(self, other):
        other = self._lift(other)
        return self._apply(self.data * other.data, "*", (self, other.data), (other, self.data))

    def __truediv__(self, other):
        other = self._lift(other)
        return self._apply(self.data / other.data, "/", (self, 1.0 / other.data),
                           (other, -self.data / other.data ** 2))

    def __pow__(self, k):
        k = _check_number("exponent k", k)
        return self._apply(math.pow(self.data, k), f"**{k:g}", (self, k * math.pow(self.data, k - 1)))

    def __neg__(self):
        return self._apply(-self.data, "neg", (self, -1.0))

    def __radd__(self, other):
        return self._lift(other) + self

    def __rsub__(self, other):
        return self._lift(other) - self

    def __rmul__(self, other):
        return self._lift(other) * self

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def relu(self):
        return self._apply(max(self.data, 0.0), "relu", (self, float(self.data > 0)))

    def tanh(self):
        t = math.tanh(self.data)
        return self._apply(t, "tanh", (self, 1.0 - t * t))

    def exp(self):
        e = math.exp(self.data)
        return self._apply(e, "exp", (self, e))

    def log(self):
        return self._apply(math.log(self.data), "log", (self, 1.0 / self.data))

    def sin(self):
        return self._apply(math.sin(self.data), "sin", (self, math.cos(self.data)))

    def sigmoid(self):
        z = math.exp(-abs(self.data))  # stable for large |x|
        s = 1.0 / (1.0 + z) if self.data >= 0 else z / (1.0 + z)
        return self._apply(s, "sigmoid", (self, s * (1.0 - s)))


class Value(Scalar):
    """A scalar node of a computational graph (reverse mode). data: the value; grad: dL/d(this)."""

    def __init__(self, data, label=""):
        self.data, self.grad, self.label = _check_number("data", data), 0.0, label
        self.inputs, self.op, self._local = (), "", ()

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{', ' + self.label if self.label else ''})"

    def _constant(self, c):
        return Value(c)

    def _apply(self, data, op, *pairs):
        out = Value(data)
        out.op, out.inputs, out._local = op, tuple(p for p, _ in pairs), tuple(d for _, d in pairs)
        return out

    def _backward(self):
        for node, local in zip(self.inputs, self._local, strict=True):
            node.grad += local * self.grad  # chain rule: dL/dnode += dself/dnode * dL/dself

    def topological_order(self):
        """Every node this one depends on, each after all of its inputs (iterative: deep graphs are fine)."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((parent, False) for parent in node.inputs)
        return order

    def backward(self):
        """Backpropagation: set every grad in the graph to dself/dnode (grads are reset first)."""
        order = self.topological_order()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


class Dual(Scalar):
    """A dual number data + tangent * eps with eps^2 = 0 (forward mode).

    tangent: the derivative of data along one chosen direction of the inputs. counter: an
    optional one-element list that counts the operations performed (shared by the results).
    """

    def __init__(self, data, tangent=0.0, counter=None):
        self.data, self.tangent = _check_number("data", data), _check_number("tangent", tangent)
        self.counter = counter

    def __repr__(self):
        return f"Dual({self.data:.6g}, {self.tangent:.6g})"

    def _constant(self, c):
        return Dual(c, 0.0, self.counter)

    def _apply(self, data, op, *pairs):
        if self.counter is not None:
            self.counter[0] += 1
        return Dual(data, sum(local * node.tangent for node, local in pairs), self.counter)


def _check_point(x, v=None):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or len(x) == 0:
        raise ValueError(f"x must be a non-empty 1-D sequence of numbers, got shape {x.shape}")
    if v is not None and np.shape(v) != x.shape:
        raise ValueError(f"v must have the shape of x, {x.shape}, got {np.shape(v)}")
    return x


def _check_output(out, kind):
    if not isinstance(out, kind):
        raise TypeError(f"f must return a {kind.__name__} (one scalar computed from its inputs), "
                        f"got {type(out).__name__}")
    return out


def jvp(f, x, v):
    """One forward-mode pass: f(x), the directional derivative grad f(x) . v, and the operation count.

    f: a function of a list of n scalars returning one scalar; x, v: (n,).
    """
    x, counter = _check_point(x, v), [0]
    inputs = [Dual(xi, vi, counter) for xi, vi in zip(x, np.asarray(v, dtype=np.float64), strict=True)]
    out = _check_output(f(inputs), Dual)
    return out.data, out.tangent, counter[0]


def forward_mode_gradient(f, x):
    """The gradient by forward mode: n passes, one per unit vector e_k. Returns (f(x), grad (n,), ops)."""
    x = _check_point(x)
    passes = [jvp(f, x, e) for e in np.eye(len(x))]
    return passes[0][0], np.array([p[1] for p in passes]), sum(p[2] for p in passes)


def reverse_mode_gradient(f, x):
    """The gradient by reverse mode: one forward pass, one backward pass. Returns (f(x), grad (n,), ops).

    ops counts the forward operations plus one backward step per operation.
    """
    leaves = [Value(xi) for xi in _check_point(x)]
    out = _check_output(f(leaves), Value)
    out.backward()
    num_ops = sum(1 for node in out.topological_order() if node.op)
    return out.data, np.array([leaf.grad for leaf in leaves]), 2 * num_ops


# Random expressions for testing: the same tree runs on Value, Dual or torch tensors (same method
# names). Denominators, logarithms and fractional powers see a*a + 1 > 0, exp sees sin(a) <= 1.
EXPRESSION_OPS = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / (b * b + 1), "neg": lambda a: -a, "relu": lambda a: a.relu(),
    "tanh": lambda a: a.tanh(), "exp": lambda a: a.sin().exp(), "log": lambda a: (a * a + 1).log(),
    "sin": lambda a: a.sin(), "sigmoid": lambda a: a.sigmoid(), "**2": lambda a: a ** 2,
    "**3": lambda a: a ** 3, "**1.5": lambda a: (a * a + 1) ** 1.5, "**-1": lambda a: (a * a + 1) ** -1,
    "c+": lambda a: 1.5 + a, "c-": lambda a: 0.5 - a, "c*": lambda a: 2.0 * a,
    "c/": lambda a: 1.0 / (a * a + 1),
}


def random_expression(rng, num_leaves=3, depth=4):
    """A random expression tree (op, child[, child]) of at most depth levels of operations.

    op: a key of EXPRESSION_OPS; a child is another tree or ("leaf", k), k in 0..num_leaves-1.
    """
    num_leaves = integer("num_leaves", num_leaves, 1)
    depth = integer("depth", depth, 1)
    arity = 2 if rng.random() < 0.4 else 1  # binary operations 40% of the time: bushier trees
    op = str(rng.choice([name for name, fn in EXPRESSION_OPS.items() if fn.__code__.co_argcount == arity]))
    children = [("leaf", int(rng.integers(num_leaves))) if depth == 1 or rng.random() < 0.2
                else random_expression(rng, num_leaves, depth - 1)
                for _ in range(arity)]
    return (op, *children)


def evaluate(expression, leaves):
    """The value of an expression tree with leaf k set to leaves[k] (Value, Dual or torch tensor)."""
    op, *children = expression
    if op == "leaf":
        return leaves[children[0]]
    return EXPRESSION_OPS[op](*(evaluate(child, leaves) for child in children))
