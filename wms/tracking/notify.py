"""The buyer's "your order has shipped" email: built and sent with the standard library only.

Pure: no Flask or database. The service (notices.py) decides whether to send and records it.
"""
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

SUBJECT = {
    "en": "Your order {order} has shipped",
    "zh_CN": "您的订单 {order} 已发货",
}
BODY = {
    "en": ("Hello {name},\n\nYour order {order} has shipped.\n\nCarrier: {carrier}\n"
           "Tracking number: {tracking}\n\nThank you for your order.\n"),
    "zh_CN": ("{name}，您好：\n\n您的订单 {order} 已发货。\n\n快递公司：{carrier}\n"
              "运单号：{tracking}\n\n感谢您的惠顾。\n"),
}


def shipped_email(*, to, sender, order, carrier, tracking, name="", locale="zh_CN"):
    """An EmailMessage telling the buyer the order number, the carrier and the tracking number."""
    locale = locale if locale in SUBJECT else "en"
    values = {"order": order, "carrier": carrier, "tracking": tracking, "name": name or "",}
    message = EmailMessage()
    message["Subject"] = SUBJECT[locale].format(**values)
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] if "@" in sender else None)
    # Both languages in one email when the store's language is Chinese: buyers abroad read the English.
    body = BODY[locale].format(**values)
    if locale != "en":
        body += "\n----\n" + BODY["en"].format(**values)
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
