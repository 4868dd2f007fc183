"""microcalc: an executable re-analysis of an elastography diagnostic-accuracy study.

The package holds every computation that the book shows: the published numbers
(:mod:`microcalc.study.paper`), the simulated cohort (:mod:`microcalc.study.cohort`) and the
analysis modules. Notebooks only call it.
"""

__version__ = "0.1.0"
