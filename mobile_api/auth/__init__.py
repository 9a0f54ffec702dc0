"""Reps' authentication: the token endpoints and the check every API route passes."""
