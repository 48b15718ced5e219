#!/usr/bin/env python3
"""A minimal stand-in for the studio's Django app ("Wavelaunch Studio OS"), for the shared-database test."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio_os.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
