"""Helpers shared by the sync benchmarks (``bench_sync_ingest``, ``bench_webhook_ack``).

Each module holds one piece of measuring equipment: where SuiteCRM is (the real one or
the sandbox), a loopback proxy that counts requests on the wire, real worker processes,
a gunicorn launcher with the settings ``socialcrm run`` uses, and a load generator.
"""
