"""Targeting: which greeting and opening offer the web chat shows a visitor.

Marketers write triggers in ``data/targeting/triggers.yml`` (`triggers`), read at run
time and never trained on; the web chat's ``/config`` request describes the visit
(`visit.Visit`) and gets the first trigger that holds (`visit.choose`), or the default
greeting. `opening` turns the chosen trigger into what the widget shows.
"""
