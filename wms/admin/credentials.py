"""What makes a password or a PIN acceptable. Pure: stdlib only.

A PIN is six digits, so the only thing that keeps it from being guessed is the lockout plus
refusing the handful of PINs people pick first (000000, 123456, 121212, birthdays of 5-2-0...).
"""
import re

MIN_PASSWORD_LENGTH = 8
PIN_LENGTH = 6
_COMMON_PINS = frozenset({
    "123123", "112233", "520520", "521521", "131420", "147258", "159753", "147852", "123321",
    "654123", "789456", "456789", "102030", "101010", "010101", "686868", "168168", "888666",
    "666888", "100200", "200200", "111222", "121314", "123654", "963852", "741852", "258258",
})


def password_problem(password, username=""):
    """Why `password` is refused, or None when it is acceptable."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return "A password needs at least {n} characters"
    if username and password.strip().lower() == username.strip().lower():
        return "The password must not be the username"
    return None


def pin_problem(pin):
    """Why `pin` is refused, or None when it is acceptable."""
    pin = pin or ""
    if not re.fullmatch(r"\d{%d}" % PIN_LENGTH, pin):
        return "A PIN is exactly 6 digits"
    if is_trivial_pin(pin):
        return "This PIN is too easy to guess; choose another"
    return None


def is_trivial_pin(pin):
    """Repeated digits, runs up or down, a repeated short pattern, or a well-known PIN."""
    digits = [int(c) for c in pin]
    steps = {(b - a) % 10 for a, b in zip(digits, digits[1:])}
    if len(steps) == 1 and steps <= {0, 1, 9}:  # 000000, 123456, 654321, 890123
        return True
    if len(set(pin)) <= 2:  # 101010, 111222, 001100
        return True
    if pin[:2] * 3 == pin or pin[:3] * 2 == pin:  # 121212, 123123
        return True
    if pin[:3] == pin[3:][::-1]:  # 123321
        return True
    return pin in _COMMON_PINS
