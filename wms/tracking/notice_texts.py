"""What a buyer is told, per event and medium, in both languages, with the platforms' masking rules. Pure.

Events (a store chooses which reach its buyers and by which medium: Channel.settings["buyer_notices"]):
shipped, shortage (缺货通知: held back by a shortage), out_for_delivery (派件), exchange_shipped, refund_done.
Masking (as Taobao / JD / PDD show buyers' data to sellers' tools): a name keeps its first character
(张**), a phone its first three and last four digits (138****5678); an address is never put in a notice.
A phone the platform gave masked or encrypted cannot receive a text: `sms_number` says None.
"""
import re

EVENTS = ("shipped", "shortage", "out_for_delivery", "exchange_shipped", "refund_done")
MEDIA = ("email", "sms")
DEFAULT_CHOICES = {"shipped": ("email",)}  # what a store that chose nothing sends (the old shipped email)

SUBJECTS = {
    "shipped": {"en": "Your order {order} has shipped", "zh_CN": "您的订单 {order} 已发货"},
    "shortage": {"en": "Your order {order} is delayed", "zh_CN": "您的订单 {order} 因缺货延迟发货"},
    "out_for_delivery": {"en": "Your order {order} is out for delivery", "zh_CN": "您的订单 {order} 正在派送"},
    "exchange_shipped": {"en": "The exchange for order {order} has shipped", "zh_CN": "订单 {order} 的换货已发出"},
    "refund_done": {"en": "Your refund for order {order} is done", "zh_CN": "订单 {order} 的退款已完成"},
}
BODIES = {
    "shipped": {
        "en": "Hello {name},\n\nYour order {order} has shipped.\n\nCarrier: {carrier}\nTracking number: {tracking}\n\n"
              "Thank you for your order.\n",
        "zh_CN": "{name}，您好：\n\n您的订单 {order} 已发货。\n\n快递公司：{carrier}\n运单号：{tracking}\n\n感谢您的惠顾。\n"},
    "shortage": {
        "en": "Hello {name},\n\nAn item of your order {order} is out of stock for now, so it ships later than "
              "planned. {expected}\n\nWe are sorry for the wait.\n",
        "zh_CN": "{name}，您好：\n\n您的订单 {order} 中有商品暂时缺货，将延迟发货。{expected}\n\n很抱歉让您久等。\n"},
    "out_for_delivery": {
        "en": "Hello {name},\n\nYour order {order} is out for delivery with {carrier} ({tracking}).\n",
        "zh_CN": "{name}，您好：\n\n您的订单 {order} 正在由{carrier}派送（运单号 {tracking}），请保持电话畅通。\n"},
    "exchange_shipped": {
        "en": "Hello {name},\n\nThe replacement for your order {order} has shipped with {carrier} ({tracking}).\n",
        "zh_CN": "{name}，您好：\n\n您的订单 {order} 的换货已由{carrier}发出（运单号 {tracking}）。\n"},
    "refund_done": {
        "en": "Hello {name},\n\nThe refund of {amount} for your order {order} is done.\n",
        "zh_CN": "{name}，您好：\n\n您的订单 {order} 的退款 {amount} 已完成。\n"},
}
EXPECTED = {"en": "We expect to ship it by {date}.", "zh_CN": "预计 {date} 前发货。"}
SMS_VARIABLES = {  # the template variables each event's SMS template takes (as registered with the provider)
    "shipped": ("name", "order", "carrier", "tracking"),
    "shortage": ("name", "order", "date"),
    "out_for_delivery": ("name", "order", "carrier", "tracking"),
    "exchange_shipped": ("name", "order", "carrier", "tracking"),
    "refund_done": ("name", "order", "amount"),
}
_MASKED_PHONE = re.compile(r"[*＊]|^\s*$")


def mask_name(name):
    """张三丰 -> 张**; Alice -> A****; empty stays empty."""
    name = (name or "").strip()
    return name[:1] + "*" * min(len(name) - 1, 4) if name else ""


def mask_phone(phone):
    """13812345678 -> 138****5678; a short or masked one -> ****."""
    digits = re.sub(r"\D", "", phone or "")
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 8 and not _MASKED_PHONE.search(phone) else "****"


def sms_number(phone, country="CN"):
    """The number a text can go to (mainland mobiles: 11 digits from 1, +86 / 0086 dropped), or None: the
    platform masked or encrypted it, or it is no mobile number."""
    if not phone or _MASKED_PHONE.search(phone):
        return None
    digits = re.sub(r"[\s\-()]", "", phone)
    digits = re.sub(r"^(\+86|0086)", "", digits)
    if country in ("CN", "") and re.fullmatch(r"1[3-9]\d{9}", digits):
        return digits
    return None


def chosen_media(settings, event, notifies_buyers=False):
    """The media a store chose for an event. A store whose platform tells its buyers itself sends nothing by
    default; what it chose explicitly still goes."""
    choices = (settings or {}).get("buyer_notices")
    if not isinstance(choices, dict):
        return () if notifies_buyers else DEFAULT_CHOICES.get(event, ())
    return tuple(m for m in MEDIA if m in (choices.get(event) or ()))


def values_for(event, values, locale):
    """The template's values, masked, every one present (blank when unknown)."""
    filled = {key: "" for key in ("name", "order", "carrier", "tracking", "amount", "date")}
    filled.update({k: ("" if v is None else str(v)) for k, v in values.items()})
    filled["name"] = mask_name(filled["name"])
    loc = locale if locale in EXPECTED else "en"
    filled["expected"] = EXPECTED[loc].format(date=filled["date"]) if filled["date"] else ""
    return filled


def email_text(event, values, locale="zh_CN"):
    """(subject, body): in Chinese stores the English follows, for buyers abroad."""
    loc = locale if locale in SUBJECTS[event] else "en"
    filled = values_for(event, values, loc)
    subject = SUBJECTS[event][loc].format(**filled)
    body = BODIES[event][loc].format(**filled)
    if loc != "en":
        body += "\n----\n" + BODIES[event]["en"].format(**values_for(event, values, "en"))
    return subject, body


def sms_variables(event, values, locale="zh_CN"):
    """The event's SMS template variables, masked."""
    filled = values_for(event, values, locale)
    return {key: filled[key] for key in SMS_VARIABLES[event]}


def sms_preview(event, values, locale="zh_CN"):
    """The text as the buyer reads it (the provider fills its registered template; this is ours, for the
    timeline and the notices page): the email's first lines, on one line."""
    _, body = email_text(event, values, locale)
    first = body.split("\n----\n")[0]
    return " ".join(line.strip() for line in first.splitlines() if line.strip())[:300]


def choices_from_form(form):
    """A store's choices from its form's checked boxes (`<event>.<medium>` names); unknown names are ignored."""
    checked = {key for key in form if "." in key}
    return {event: [m for m in MEDIA if f"{event}.{m}" in checked] for event in EVENTS}
