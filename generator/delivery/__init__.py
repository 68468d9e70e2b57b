"""Delivery: the daily editions by email.

    messages.py  an edition as a MIME message (text and HTML parts), pure
    send.py      subscribers, the SMTP connection, and the ledger of what was delivered
"""
