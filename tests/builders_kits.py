"""Kits (组合装) for tests: a kit SKU and its components, defined through the catalogue's service."""
from tests.builders import make_sku
from wms.catalog import kit_services


def make_kit(code="KIT-1", components=(("SKU-0", 2), ("SKU-1", 1)), name=None, barcodes=()):
    """A kit SKU (its own barcodes, none by default: the floor scans its components) of `components`."""
    kit = make_sku(code=code, barcodes=barcodes, name=name or f"组合装 {code}", weight_g=0)
    kit_services.define_kit(kit.id, list(components))
    return kit
