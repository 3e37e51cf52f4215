"""Tools for problem authors: `check-problem` proves a definition right (check.py), `new-problem`
writes a working template to start from (template.py). The definitions themselves use only
problems/authoring.py."""
