"""Money: an exact Decimal amount and its ISO 4217 currency."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache


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
        """The amount as a reader of *locale* writes it, e.g. ``US$199.00``, ``289,00 zł``, ``￥6,160``."""
        return format_money(self.amount, self.currency, locale)

    def to_json(self) -> dict[str, str]:
        """``{"amount": "199", "currency": "USD"}``: the amount as an exact string."""
        return {"amount": str(self.amount), "currency": self.currency}


@lru_cache(maxsize=512)
def format_money(amount: Decimal, currency: str, locale: str) -> str:
    """Format with Babel in *locale*; a bare sign shared by several currencies becomes unambiguous.

    A catalog shows many currencies side by side, so ``$`` alone would not say whose dollar:
    where the locale's symbol is a bare form of the international one (``$`` of ``US$``), the
    international symbol is used. Distinct local symbols (``￥``, ``zł``, ``€``) are kept.
    """
    from babel.numbers import format_currency, get_currency_symbol

    text: str = format_currency(amount, currency, locale=locale)
    local = get_currency_symbol(currency, locale)
    world = get_currency_symbol(currency, "en_001")
    if local != world and world.endswith(local) and local in text:
        text = text.replace(local, world, 1)
    return text
