"""The shared code of the book: every chapter imports what it needs from these modules.

data      offline datasets (digits, sample photographs, toy 2-D sets), minibatches, random shifts
images    the challenges of recognition applied to real pictures; distances between images
knn       k-nearest neighbours: distances (two loops, one loop, no loops), voting, cross-validation,
          leave-one-out accuracy
linear    linear scores, the bias trick, the perceptron, the delta rule; the binary SVM's widest margin
features  hand-crafted features for the classic pipeline: HOG, k-means of whitened patches (Coates)
losses    multiclass SVM (hinge) and softmax cross-entropy, naive and vectorized; regularization
gradcheck centred-difference numerical gradients and relative errors
optim     SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW: one small class each
surfaces  2-D loss surfaces (ill-conditioned bowl, saddle, two minima) and optimizer paths on them
train     numpy training loops of the linear classifiers (random search, gradient descent, SGD, lr schedules)
activations  sigmoid, tanh, ReLU, leaky ReLU, ELU, maxout, derivatives; deep nets: init, per-layer statistics
mlp       multilayer perceptrons: building (batch norm, dropout, residual blocks), counting, ReLU splines
splines   the best one-hidden-layer ReLU fit of a 1-D sample (the best spline with n units), by search
autodiff  a tiny scalar reverse-mode engine (and forward mode, for comparison)
train_torch the torch training loop every network chapter shares; lr schedules, the lr range test
layers    numpy forward/backward pairs (affine, activations, dropout, losses) and a modular numpy MLP
conv      convolution (naive and im2col) and max pooling in numpy, forward and backward; sizes and costs
models    torch models: LeNet-5, AlexNet, VGG-16, and a per-layer table of shapes, parameters, multiply-adds;
          layer_outputs (learned features: what a model's first layers compute)
tuning    grid and random search over hyperparameters
plot      every picture of the earlier chapters
plot_linear pictures of linear classifiers: class lines, the score equation, the SVM's margin
plot_features pictures of hand-crafted features: gradients, HOG glyphs, k-means patches
plot_graph computational graphs with their values and gradients (backpropagation)
plot_diagrams networks drawn from their sizes: a neuron, MLPs, a convolution as volumes, architectures
plot_nets what networks learn and cost: filters, feature maps, training curves, confusion matrices,
          complexity, 2-D embeddings (t-SNE)
widgets   demos that compute in the page: one ES module (lib/js/), an anywidget in Jupyter; progress bars
style     the book's figure style: legible on a phone, sharp on a 2x screen
_checks   (private) the argument checks the modules share: integers, labels
"""
