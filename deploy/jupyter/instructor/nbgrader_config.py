"""nbgrader settings of an instructor's server on the class hub: the course folder ~/course (made by the
hub from solutions/ on the first start) and its own nbgrader_config.py (the course's, from autograder/:
feedback without hidden tests, cell time limit)."""
import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)
course = os.path.expanduser(os.environ.get("AISD_COURSE_DIR", "~/course"))
c.CourseDirectory.root = course
if os.path.exists(os.path.join(course, "nbgrader_config.py")):
    load_subconfig(os.path.join(course, "nbgrader_config.py"))  # noqa: F821 (traitlets)
