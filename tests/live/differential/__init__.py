"""The differential check: the same requests to the SuiteCRM sandbox and a real SuiteCRM.

``sides`` sends raw HTTP requests (no client library, so malformed requests can be sent
too); ``compare`` normalises what legitimately differs (ids the servers generate,
timestamps, tokens) and lists every other difference with its path in the JSON;
``world`` creates the same tagged records, with the same ids, on both sides.
"""
