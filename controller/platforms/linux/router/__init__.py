"""What runs on a Linux router: ``agent.py`` (commands, commit, confirm timer), ``frrreload.py``
(FRR's own reload, driven with fewer vtysh starts), ``links.py`` (ip -batch, multicast limit),
``getters.py`` (facts, interfaces, ips) and the config document ``linuxconf.py`` (with
``controller/secretforms.py``), stdlib-only and self-contained. ``../driver.py`` uploads every .py
here but this one into one flat directory on the router (``AGENT_FILES``); they import each other flat."""
