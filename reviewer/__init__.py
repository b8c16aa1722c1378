"""Haven reviewer app: verifiers' and coordinators' workspace (port 8081).

It reaches the vault only through the vault API over HTTP and decrypts in its own memory
(SECURITY.md S13). ``create_app`` is in ``reviewer.app``.
"""
