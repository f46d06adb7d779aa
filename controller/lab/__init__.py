"""The real-router lab: see runtime.py, backends/ (uml, netns), files/ (scripts, templates)
and cli.py (`grectl lab ...`)."""
from controller.lab.runtime import detect_backend, down, exec_, ssh_settings, status, up
from controller.lab.topology import LabLan, LabRouter, LabTopology, from_inventory

__all__ = ["LabLan", "LabRouter", "LabTopology", "detect_backend", "down", "exec_", "ssh_settings",
           "status", "up", "from_inventory"]
