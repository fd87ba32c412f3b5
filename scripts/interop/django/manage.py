#!/usr/bin/env python3
"""The interop project's manage.py: Django's own, with our settings module."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cieid_interop.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
