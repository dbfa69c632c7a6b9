"""Money: an exact Decimal amount and its ISO 4217 currency."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Any


@dataclass(frozen=True, order=True)
class Money:
    """An exact amount of one currency; arithmetic refuses to mix currencies."""

    amount: Decimal
    currency: str

    @classmethod
    def of(cls, amount: int | str | Decimal | float, currency: str) -> Money:
        """Money from an int, a numeric string or a Decimal (never a float)."""
        if isinstance(amount, float):
            raise TypeError("money is never built from a float; pass a string or a Decimal")
        return cls(Decimal(str(amount)), currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money) or other.currency != self.currency:
            raise ValueError(
                f"cannot combine {self.currency} with {getattr(other, 'currency', other)!r}"
            )

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def format(self, locale: str = "en_001") -> str:
        """The amount as a reader of *locale* writes it, e.g. ``US$199.00``, ``289,00 zł``, ``JP¥6,160``."""
        return format_money(self.amount, self.currency, locale)

    def to_json(self) -> dict[str, str]:
        """``{"amount": "199", "currency": "USD"}``: the amount as an exact string."""
        return {"amount": str(self.amount), "currency": self.currency}


@lru_cache(maxsize=4096)
def format_money(amount: Decimal, currency: str, locale: str) -> str:
    """Format as Babel does in *locale*; a bare sign shared by several currencies becomes unambiguous.

    A catalog shows many currencies side by side, so ``$`` alone would not say whose dollar:
    where the locale's symbol is a bare form of the international one (``$`` of ``US$``), the
    international symbol is used. Distinct local symbols (``zł``, ``€``) are kept. A symbol is
    written in its compatibility form (NFKC): the fullwidth yen ``￥`` of ``ja_JP``, which no
    common font has, is ``¥``, and so, being the bare form of ``JP¥``, Japan's yen is ``JP¥``.

    Babel's pattern, symbols and the currency's digits are read once per currency and locale;
    a non-negative amount is then laid out here (a site formats tens of thousands of amounts),
    anything else by Babel itself. The tests check both give the same text.
    """
    style = _currency_style(currency, locale)
    if style.simple and amount >= 0:
        return style.lay_out(amount)
    from babel.numbers import format_currency

    text: str = format_currency(amount, currency, locale=style.locale)
    if style.swap is not None and style.swap[0] in text:
        text = text.replace(style.swap[0], style.swap[1], 1)
    return text


def money_layout(currency: str, locale: str) -> dict[str, Any] | None:
    """How *locale* lays out a non-negative amount of *currency* (symbol, separators, digits,
    grouping), for formatting elsewhere exactly as ``format_money``; None where only Babel can."""
    style = _currency_style(currency, locale)
    if not style.simple:
        return None
    return {
        "prefix": style.prefix,
        "suffix": style.suffix,
        "group": style.group,
        "decimal": style.decimal,
        "digits": style.digits,
        "primary": style.primary,
        "secondary": style.secondary,
    }


def _readable(symbol: str) -> str:
    """*symbol* in the form common fonts have (``￥`` → ``¥``)."""
    return unicodedata.normalize("NFKC", symbol)


@dataclass(frozen=True)
class _Style:
    """How one locale writes one currency: Babel's pattern reduced to what a layout needs."""

    locale: Any
    swap: tuple[str, str] | None
    prefix: str
    suffix: str
    group: str
    decimal: str
    digits: int
    primary: int
    secondary: int
    simple: bool

    def lay_out(self, amount: Decimal) -> str:
        """A non-negative *amount*, rounded half-even to the currency's digits and grouped."""
        exact = amount.quantize(Decimal(1).scaleb(-self.digits), rounding=ROUND_HALF_EVEN)
        whole, _, fraction = f"{exact:f}".partition(".")
        groups = [whole[-self.primary :]] if len(whole) > self.primary else [whole]
        rest = whole[: -self.primary] if len(whole) > self.primary else ""
        while rest:
            groups.insert(0, rest[-self.secondary :])
            rest = rest[: -self.secondary]
        number = self.group.join(groups)
        if self.digits:
            number += self.decimal + fraction
        return self.prefix + number + self.suffix


@lru_cache(maxsize=256)
def _currency_style(currency: str, locale: str) -> _Style:
    from babel import Locale
    from babel.numbers import (
        get_currency_precision,
        get_currency_symbol,
        get_decimal_symbol,
        get_group_symbol,
    )

    parsed = Locale.parse(locale)
    written = get_currency_symbol(currency, parsed)
    local = _readable(written)
    world = get_currency_symbol(currency, "en_001")
    symbol = world if local != world and world.endswith(local) else local
    swap = (written, symbol) if symbol != written else None
    pattern = parsed.currency_formats["standard"]
    prefix, suffix = pattern.prefix[0], pattern.suffix[0]
    primary, secondary = pattern.grouping
    # Patterns with quoted text, per-mille, scientific notation or a long currency name are left
    # to Babel.
    simple = (
        prefix.count("¤") + suffix.count("¤") == 1
        and "¤¤" not in prefix + suffix
        and not any(c in prefix + suffix for c in "'%‰E")
        and primary > 0
        and secondary > 0
    )
    return _Style(
        locale=parsed,
        swap=swap,
        prefix=prefix.replace("¤", symbol),
        suffix=suffix.replace("¤", symbol),
        group=get_group_symbol(parsed),
        decimal=get_decimal_symbol(parsed),
        digits=get_currency_precision(currency),
        primary=primary,
        secondary=secondary,
        simple=simple,
    )
