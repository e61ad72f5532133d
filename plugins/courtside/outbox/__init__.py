"""The outbox: reminders as e-mail. The sent log (`sentlog.py`), the messages (`message.py`)
and SMTP (`smtp.py`) are edges around the core's decision (`core/reminders.py`)."""
