"""The shared code of the book: every chapter imports what it needs from these modules.

data      offline datasets (digits, sample photographs, toy 2-D sets), minibatches
images    the challenges of recognition applied to real pictures; distances between images
knn       k-nearest neighbours: distances (two loops, one loop, no loops), voting, cross-validation
linear    linear score functions, the bias trick, the perceptron and the delta rule
plot      every picture
demos     interactive demos that work in Jupyter and in the static HTML book
"""
