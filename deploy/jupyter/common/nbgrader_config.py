"""nbgrader settings of every user's server on the class hub (deploy/jupyterhub_config.py puts this
folder on JUPYTER_CONFIG_PATH): the course and the shared exchange folder."""
import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)
c.CourseDirectory.course_id = os.environ.get("AISD_COURSE_ID", "aisd")
if os.environ.get("AISD_NBGRADER_EXCHANGE"):
    c.Exchange.root = os.environ["AISD_NBGRADER_EXCHANGE"]
