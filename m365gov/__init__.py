"""m365gov: evidence-based governance of a Microsoft 365 tenant for a French town's IT department.

The package is organised as a pipeline — collect → snapshot → evaluate → render — so that the only
stage that touches the network (``collect``) can be run once and everything else replayed offline.
"""

__version__ = "0.1.0"
