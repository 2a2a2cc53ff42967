"""Native libraries that are not thread-safe, and the lock each is used under.

PDFium (pypdfium2) keeps global state: two threads inside it at once crash the process (SIGSEGV,
``trap int3``) or, worse, return another document's text — a load test of eight clients posting
one PDF to the server got wrong table-3 numbers back before the crash.  Every use of PDFium in
gongkai (``read/pdf.py``, the web's page pictures) holds ``PDFIUM`` from opening the document to
closing it; closing a document closes every object made from it, so no PDFium finaliser runs
outside the lock later.  The lock is re-entrant, process-wide, and costs nothing in a
single-threaded process (the CLI, an ingest worker).

The server goes further: its parses run in child processes (``gongkai.isolate``), where a crash
or a runaway file cannot take the server down; see docs/web.md for the measurements that chose it.
"""

from __future__ import annotations

import threading

PDFIUM = threading.RLock()
