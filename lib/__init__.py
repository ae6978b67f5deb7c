"""The shared code of the book: every chapter imports what it needs from these modules.

data      offline datasets (digits, sample photographs, toy 2-D sets), minibatches, random shifts
images    the challenges of recognition applied to real pictures; distances between images
knn       k-nearest neighbours: distances (two loops, one loop, no loops), voting, cross-validation
linear    linear score functions, the bias trick, the perceptron and the delta rule
features  hand-crafted features for the classic pipeline: HOG, k-means of whitened patches (Coates)
losses    multiclass SVM (hinge) and softmax cross-entropy, naive and vectorized; regularization
gradcheck centred-difference numerical gradients and relative errors
optim     SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam: one small class each
surfaces  2-D loss surfaces (ill-conditioned bowl, saddle, two minima) and optimizer paths on them
train     numpy training loops of the linear classifiers (random search, gradient descent, SGD, lr schedules)
activations  sigmoid, tanh, ReLU, leaky ReLU, ELU, maxout and their derivatives; deep nets' gradient norms
mlp       multilayer perceptrons: building, counting parameters, ReLU units as spline pieces, bumps
splines   the best one-hidden-layer ReLU fit of a 1-D sample (the best spline with n units), by search
autodiff  a tiny scalar reverse-mode engine (and forward mode, for comparison)
train_torch the torch training loop every network chapter shares (train_torch, torch_accuracy)
layers    numpy forward/backward pairs (affine, activations, losses) and a modular numpy MLP
conv      convolution (naive and im2col) and max pooling in numpy, forward and backward; sizes and costs
models    torch models: LeNet-5, AlexNet, VGG-16, and a per-layer table of shapes, parameters, multiply-adds
plot      every picture of the earlier chapters
plot_graph computational graphs with their values and gradients (backpropagation)
plot_nets pictures of networks: filters, feature maps, training curves, confusion matrices, complexity
widgets   demos that compute in the page: one ES module (lib/js/), an anywidget in Jupyter; progress bars
style     the book's figure style: legible on a phone, sharp on a 2x screen
_checks   (private) the argument checks the modules share: integers, labels
"""
