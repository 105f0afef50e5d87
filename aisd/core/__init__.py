"""The base layer: where things live (``paths``), the one base error (``errors``) and the switches that keep model
libraries off the network (``offline``). It imports nothing else of ``aisd``."""
