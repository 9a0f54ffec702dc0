"""RQ job functions: module-level, taking ids and small JSON, safe to run twice."""
