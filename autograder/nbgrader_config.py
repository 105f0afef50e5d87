"""nbgrader configuration shared by every course directory the aisd tools build.

The ``aisd`` commands copy this file into each course directory they create (release, self-check,
class grading), so an instructor running plain ``nbgrader`` commands there gets the same behaviour.
"""
c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "aisd"

# What a learner sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Student versions carry no outputs and no execution counts; solutions are not executed on release.
c.ClearOutput.enabled = True

# A cell that runs longer than this is stopped and its exercise gets no points (infinite loops).
c.Execute.timeout = 300
c.Execute.interrupt_on_timeout = True
c.Execute.kernel_name = "python3"

# Feedback must not reveal hidden tests.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
