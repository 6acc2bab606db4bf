"""Foundations every room shares: errors, progress, declared parameters, atomic writes."""
