"""Deterministic generator of realistic sample exports (see ``python -m tools.sample_data -h``)."""

from .generator import PlantedDefect, build_export, generate, planted_defects, write

__all__ = ["PlantedDefect", "build_export", "generate", "planted_defects", "write"]
