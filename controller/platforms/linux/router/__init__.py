"""What runs on a Linux router: ``agent.py`` and the config document ``linuxconf.py`` (with
``controller/secretforms.py``), stdlib-only and self-contained. ``../driver.py`` uploads these
files into one flat directory on the router (``AGENT_FILES``); there they import each other flat."""
