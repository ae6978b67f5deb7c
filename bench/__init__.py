"""The book's benchmark: `python -m bench` (see __main__.py).

It measures, on the machine it runs on: the whole book built cold and rebuilt after touching
one chapter; each notebook's execution time and peak memory; the test command's wall time;
and the book's own kernels against their peers (scikit-learn, torch), side by side in one run.
The budgets of the design (4 minutes cold, 60 s and 2 GB per notebook, 10 minutes of tests)
are printed beside what was measured.
"""
