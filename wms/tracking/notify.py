"""The buyers' emails: built and sent with the standard library only.

Pure: no Flask or database. The service (notices.py) decides whether to send and records it.
"""
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


def email(*, to, sender, subject, body):
    """An EmailMessage to the buyer (subject and body from notice_texts.email_text)."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] if "@" in sender else None)
    message.set_content(body)
    return message


def send(message, *, host, port, user="", password="", starttls=False, timeout=20):
    """Deliver one message through SMTP; raises smtplib / OSError errors for the caller to record."""
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        if starttls:
            smtp.starttls()
        if user:
            smtp.login(user, password)
        smtp.send_message(message)
