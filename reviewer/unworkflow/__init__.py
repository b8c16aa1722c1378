"""The coordinators' UN workflow (DESIGN.md §7): the Secretary-General's report cycle board,
transmission packages for OHCHR or the mechanism concerned, and the follow-up of cases.

Plain-Python logic; the views are ``reviewer/cycle_views.py``,
``reviewer/transmission_views.py`` and ``reviewer/followup_views.py``. Every cycle,
transmission and follow-up event is a sealed, signed reviewer record (reviewer/records.py).
"""
