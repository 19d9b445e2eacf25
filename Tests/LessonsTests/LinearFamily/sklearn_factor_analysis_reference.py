# The reference values of LinearFamilyLessonTests.theLessonMatchesScikitLearnOnWineAndIsAtLeastAsHighOnIris:
# scikit-learn FactorAnalysis (tol 1e-12, max_iter 100000, svd_method="lapack") on the example data sets, raw and
# standardised (StandardScaler, 1/N), q = 1 and 2; score(X) is the average log-likelihood per row (natural log, 1/N).
# Run: python3 Tests/LessonsTests/LinearFamily/sklearn_factor_analysis_reference.py (numpy, scikit-learn 1.9.1 here).
import numpy as np
from sklearn.decomposition import FactorAnalysis
from sklearn.preprocessing import StandardScaler
import os
here = os.path.dirname(os.path.abspath(__file__))
for name in ["iris", "wine"]:
    X = np.loadtxt(os.path.join(here, "../../../Lessons/data/examples", f"{name}.csv"), delimiter=",", skiprows=1)
    for std in [False, True]:
        Y = StandardScaler().fit_transform(X) if std else X
        for q in [1, 2]:
            fa = FactorAnalysis(n_components=q, tol=1e-12, max_iter=100000, svd_method="lapack").fit(Y)
            print(name, "std" if std else "raw", q, fa.score(Y), np.round(fa.noise_variance_, 8).tolist())
