"""The scale seed (`flask seed-scale`): a national-scale data set for the benchmark, built with
the project's own builders. See seed.py."""
