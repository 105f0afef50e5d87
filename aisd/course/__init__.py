"""The course tooling: never imported by notebooks, nor by the teaching library.

- ``cells``       the nbgrader cell conventions (answers ``ex_*``, tests ``test_*``, design answers)
- ``nbgrader``    an nbgrader course directory built from solutions/, the real nbgrader CLI run in it
- ``release``     solutions/ -> notebooks/ (``aisd release``)
- ``selfcheck``   grade one notebook against the full tests (``aisd check``)
- ``classroom``   grade a class's submissions (``aisd grade``), the instructor's course directory
- ``bench``       every notebook against the time and memory budget (``aisd bench notebooks``)
"""
