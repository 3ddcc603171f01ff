"""Tiny framework-light helpers shared by several apps."""
