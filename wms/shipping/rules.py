"""Which carrier takes an order. Pure: stdlib only.

A domestic carrier takes parcels within China only; an international one (a forwarder such as 4PX)
only parcels leaving it, to the countries it lists (none listed: every country). In order: the buyer's choice if that carrier can take the parcel; otherwise every active carrier that
serves the destination region and the weight, ranked by (misses today's truck, cost, code): a carrier
whose next cut-off is still today beats one whose truck has gone, then the cheaper wins. O(carriers).
"""
from dataclasses import dataclass, field
from datetime import datetime

from wms.shipping.cutoffs import next_cutoff
from wms.wording import english, wording


@dataclass(frozen=True)
class CarrierOption:
    code: str
    name: str = ""
    regions: tuple = ()          # provinces served; empty = everywhere
    excluded: tuple = ()         # provinces not served
    max_weight_g: int = 0        # 0 = no limit
    base_cents: int = 0          # first kilogram
    per_kg_cents: int = 0        # each further started kilogram
    cutoffs: tuple = ()          # local "HH:MM"
    active: bool = True
    international: bool = False  # True: parcels leaving China only (a forwarder)
    countries: tuple = ()        # ISO codes an international carrier serves; empty = every country


@dataclass(frozen=True)
class Shipment:
    province: str
    weight_g: int
    buyer_choice: str | None = None
    country: str = "CN"          # ISO 3166 alpha-2 of the destination


@dataclass(frozen=True)
class Choice:
    code: str | None
    wording: dict                                # why, told in each reader's language (wms.wording)
    cost_cents: int = 0
    ranked: list = field(default_factory=list)   # [(code, cost_cents, today)] of every eligible carrier

    @property
    def reason(self):
        """Why, in English."""
        return english(self.wording)


def cost_cents(option, weight_g):
    """Price of a parcel: base for the first kg, per_kg for each further started kg."""
    extra_kg = max(0, -(-max(weight_g, 1) // 1000) - 1)
    return option.base_cents + extra_kg * option.per_kg_cents


def refusal(option, shipment):
    """Why this carrier cannot take the shipment (a wording), or None."""
    if not option.active:
        return wording("inactive")
    abroad = (shipment.country or "CN").upper() != "CN"
    if abroad and not option.international:
        return wording("does not ship abroad")
    if not abroad and option.international:
        return wording("ships abroad only")
    if abroad:
        if option.countries and shipment.country.upper() not in option.countries:
            return wording("does not serve {country}", country=shipment.country.upper())
        if option.max_weight_g and shipment.weight_g > option.max_weight_g:
            return wording("over {weight} g", weight=option.max_weight_g)
        return None
    if option.regions and shipment.province not in option.regions:
        return wording("does not serve {province}", province=shipment.province)
    if shipment.province in option.excluded:
        return wording("does not serve {province}", province=shipment.province)
    if option.max_weight_g and shipment.weight_g > option.max_weight_g:
        return wording("over {weight} g", weight=option.max_weight_g)
    return None


def choose(shipment, options, now_utc: datetime, tz_name: str):
    """The carrier for a shipment and why (Choice.code None: no carrier can take it)."""
    by_code = {option.code: option for option in options}
    wanted = by_code.get(shipment.buyer_choice) if shipment.buyer_choice else None
    if wanted is not None and refusal(wanted, shipment) is None:
        return Choice(wanted.code, wording("buyer's choice"), cost_cents(wanted, shipment.weight_g))
    ranked = []
    for option in options:
        if refusal(option, shipment) is None:
            cutoff = next_cutoff(list(option.cutoffs), now_utc, tz_name)
            today = cutoff is not None and _local_date(cutoff, tz_name) == _local_date(now_utc, tz_name)
            ranked.append((not today, cost_cents(option, shipment.weight_g), option.code))
    if not ranked:
        if (shipment.country or "CN").upper() != "CN":
            return Choice(None, wording("no carrier serves {country} at {weight} g", country=shipment.country.upper(),
                                        weight=shipment.weight_g))
        return Choice(None, wording("no carrier serves {province} at {weight} g", province=shipment.province,
                                    weight=shipment.weight_g))
    ranked.sort()
    late, cost, code = ranked[0]
    reason = wording("cheapest (every truck has left today)") if late else wording("cheapest that still ships today")
    if shipment.buyer_choice and wanted is None:
        reason = wording("buyer's choice {carrier} unknown; {then}", carrier=shipment.buyer_choice, then=reason)
    elif wanted is not None:
        reason = wording("buyer's choice {carrier} {refusal}; {then}", carrier=wanted.code,
                         refusal=refusal(wanted, shipment), then=reason)
    return Choice(code, reason, cost, [(c, p, not l) for l, p, c in ranked])


def _local_date(utc, tz_name):
    from datetime import timezone
    from zoneinfo import ZoneInfo

    return utc.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(tz_name)).date()
